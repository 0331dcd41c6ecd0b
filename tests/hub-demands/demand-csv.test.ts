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

  it("a picture uploaded as CSV is refused in plain words, without the parser's output", () => {
    const png = new TextDecoder().decode(
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x22]),
    );
    const result = read(png);
    expect(result.ok ? [] : result.errors).toEqual([
      { row: 1, column: '', message: expect.stringMatching(/^This is not a CSV file .*CSV UTF-8/) },
    ]);
  });

  it('a file separated by semicolons is one plain error, not its header repeated as an unknown column', () => {
    const result = read(`${HEADER.replaceAll(',', ';')}\na@example.in;Fee;Item;100;;;;2027-01-31;;;`);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^The columns are separated by semicolons \(;\), not commas/);
    expect(errors[0]?.column).toBe('');
  });

  it('a row with an unquoted comma in an amount is named with its value count, and the other rows are still checked', () => {
    const csv = [
      HEADER,
      'a@example.in,Fee,Item,1,000.00,,,,2027-01-31,,,',
      'not-an-email,Fee,Item,100,,,,2027-01-31,,,',
    ].join('\n');
    const result = read(csv);
    expect(result.ok ? [] : result.errors).toEqual([
      {
        row: 2,
        column: '',
        message: expect.stringMatching(/^this row has 12 values, not 11 .*in quotes \("1,000.00"\)/),
      },
      { row: 3, column: 'payer_email', message: 'is not an email address' },
    ]);
  });

  it('a quotation mark left open is reported in plain words at its row', () => {
    const result = read(`${HEADER}\na@example.in,"Fee,Item,100,,,,2027-01-31,,,`);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^a quotation mark \("\) is not closed/);
    expect(errors[0]?.message).not.toMatch(/Quote|CSV_/);
  });

  it('an unknown column is named in at most 40 characters', () => {
    const long = `x${'y'.repeat(200)}`;
    const result = read(`${HEADER},${long}\na@example.in,Fee,Item,100,,,,2027-01-31,,,,z`);
    const column = result.ok ? '' : (result.errors.find((e) => e.message.startsWith('unknown column'))?.column ?? '');
    expect(column.length).toBeLessThanOrEqual(40);
  });

  it("a landline is refused as the payer's mobile, with the rule in words", () => {
    const result = read(
      [HEADER.replace('payer_email', 'payer_phone'), '02228881234,Fee,Item,100,,,,2027-01-31,,,'].join('\n'),
    );
    expect(result.ok ? [] : result.errors).toEqual([
      { row: 2, column: 'payer_phone', message: expect.stringMatching(/^must be an Indian mobile number/) },
    ]);
  });
});
