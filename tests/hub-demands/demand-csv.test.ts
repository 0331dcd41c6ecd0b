import { describe, expect, it } from 'vitest';
import { parseDemandCsv } from '../../hub/demands/demand-csv.js';
import { TODAY } from './fixtures.js';

const read = (csv: string) => parseDemandCsv(csv, { providerId: 'society-42', today: TODAY });
const HEADER = 'payer_email,title,item,amount,cgst,sgst,igst,due_date,late_fee,late_fee_period_days,late_fee_cap';

describe('reading a demand CSV', () => {
  it('numbers rows as the file does: header row 1, empty lines counted, a cell with a line break on its first line', () => {
    const csv = [
      HEADER,
      '',
      'a@example.in,Fee,Item,100,,,,2027-01-31,,,',
      'b@example.in,"Fee with',
      'two lines",Item,100,,,,2027-01-31,,,',
      'c@example.in,Fee,Item,,,,,2027-01-31,,,',
    ].join('\r\n');
    const result = read(csv);
    expect(result.ok ? [] : result.errors).toEqual([{ row: 6, column: 'amount', message: 'is required' }]);
    const good = read(csv.replace('Item,,', 'Item,100,'));
    expect(good.ok ? good.rows.map((r) => r.row) : []).toEqual([3, 4, 6]);
  });

  it('reads a percentage or a flat late fee, and names a missing partner column', () => {
    const csv = [
      HEADER,
      'a@example.in,Fee,Item,1000,,,,2027-01-31,1.5%,30,100',
      'b@example.in,Fee,Item,1000,,,,2027-01-31,25.50,7,100',
      'c@example.in,Fee,Item,1000,,,,2027-01-31,2%,,100',
    ].join('\n');
    const result = read(csv);
    expect(result.ok ? [] : result.errors).toEqual([
      { row: 4, column: 'late_fee_period_days', message: 'is required with late_fee and late_fee_cap' },
    ]);
    const fixed = read(csv.replace('2%,,100', '2%,1,100'));
    if (!fixed.ok) throw new Error(JSON.stringify(fixed.errors));
    expect(fixed.rows.map((r) => r.demand.lateFee?.charge)).toEqual([
      { kind: 'percent', basisPoints: 150 },
      { kind: 'flat', amountMinor: 2_550 },
      { kind: 'percent', basisPoints: 200 },
    ]);
    expect(fixed.rows[0]?.demand.lateFee).toMatchObject({ periodDays: 30, capMinor: 10_000 });
  });

  it('puts a tax rule error on a tax column, and refuses rupees with more than two decimals', () => {
    const csv = [
      HEADER,
      'a@example.in,Fee,Item,1000,90,,90,2027-01-31,,,',
      'b@example.in,Fee,Item,1000.005,,,,2027-01-31,,,',
    ].join('\n');
    const result = read(csv);
    expect(result.ok ? [] : result.errors.map((e) => [e.row, e.column])).toEqual([
      [2, 'cgst'],
      [2, 'cgst'],
      [3, 'amount'],
    ]);
  });

  it('answers a file that is not CSV, or has no rows, with one error for the file', () => {
    expect(read(`${HEADER}\n"unclosed,Fee`)).toMatchObject({ ok: false, errors: [{ row: 2, column: '' }] });
    expect(read(HEADER)).toEqual({ ok: false, errors: [{ row: 2, column: '', message: 'the file has no demands' }] });
  });
});
