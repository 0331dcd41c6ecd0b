import { describe, expect, it } from 'vitest';
import { resultStamp } from '../../bench/shared/results.js';

describe('resultStamp', () => {
  it('names a run by its UTC start to the second, the same from a Date or its ISO string', () => {
    const startedAt = new Date('2026-12-01T19:37:14.789Z');
    expect(resultStamp(startedAt)).toBe('2026-12-01T19-37-14Z');
    expect(resultStamp(startedAt.toISOString())).toBe('2026-12-01T19-37-14Z');
  });
});
