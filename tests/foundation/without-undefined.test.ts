import { describe, expect, it } from 'vitest';
import { withoutUndefined } from '../../infra/mongo.js';

describe('withoutUndefined: what a lean insert stores', () => {
  it('drops undefined fields at every depth and keeps everything else as it is', () => {
    const at = new Date('2026-12-01T06:00:00Z');
    const input = {
      a: 1,
      gone: undefined,
      nested: { keep: 'x', gone: undefined, empty: null, at },
      list: [{ b: 2, gone: undefined }, 3, undefined],
    };
    const out = withoutUndefined(input);
    expect(out).toEqual({ a: 1, nested: { keep: 'x', empty: null, at }, list: [{ b: 2 }, 3, undefined] });
    expect(Object.keys(out)).toEqual(['a', 'nested', 'list']);
    expect(Object.keys(out.nested)).toEqual(['keep', 'empty', 'at']);
    expect(out.nested.at).toBe(at);
    // The input is not changed.
    expect('gone' in input).toBe(true);
  });
});
