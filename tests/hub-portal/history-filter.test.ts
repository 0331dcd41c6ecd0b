import { describe, expect, it } from 'vitest';
import { parseDay } from '../../hub/portal/routes/history-filter.js';

describe('the history’s typed dates (parseDay)', () => {
  it('reads year-month-day as people type it on any keyboard, in any script’s digits', () => {
    expect(parseDay('2026-11-30')).toBe('2026-11-30');
    expect(parseDay(' 2026/11/30 ')).toBe('2026-11-30');
    expect(parseDay('2026.1.5')).toBe('2026-01-05');
    expect(parseDay('2026 11 30')).toBe('2026-11-30');
    expect(parseDay('20261130')).toBe('2026-11-30');
    expect(parseDay('२०२६-११-३०')).toBe('2026-11-30');
    expect(parseDay('২০২৬-১১-৩০')).toBe('2026-11-30');
  });

  it('refuses days that do not exist and other orders, rather than guessing', () => {
    for (const typed of [
      '2026-02-30',
      '2026-13-01',
      '2026-00-10',
      '30/11/2026',
      '11/30/2026',
      '2026111',
      'today',
      '',
    ]) {
      expect(parseDay(typed), typed).toBeUndefined();
    }
    expect(parseDay('2028-02-29')).toBe('2028-02-29');
  });
});
