import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { receiptFonts } from '../../hub/receipts/receipt-font.js';
import { renderReceiptPdf } from '../../hub/receipts/receipt-pdf.js';
import type { ReceiptView } from '../../hub/receipts/receipt-view.js';
import { inkIn, readPng } from './png.js';
import { threeBillView } from './sample-view.js';

const dir = mkdtempSync(join(tmpdir(), 'receipt-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Renders a view, then every page to PNG at 60 dpi with pdftoppm (poppler-utils, as CI installs). */
async function rendered(name: string, view: ReceiptView) {
  const pdf = join(dir, `${name}.pdf`);
  writeFileSync(pdf, await renderReceiptPdf(view));
  execFileSync('pdftoppm', ['-png', '-r', '60', pdf, join(dir, name)], { timeout: 60_000 });
  const pages = readdirSync(dir)
    .filter((file) => file.startsWith(`${name}-`) && file.endsWith('.png'))
    .sort()
    .map((file) => readPng(join(dir, file)));
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { timeout: 60_000, encoding: 'utf8' });
  return { pages, text };
}

/** 40 pt margins are 33 px at 60 dpi: a band of 28 px along each side must stay blank. */
function marginsAreBlank(page: ReturnType<typeof readPng>) {
  const band = 28;
  return [
    inkIn(page, { x: 0, y: 0, width: band, height: page.height }),
    inkIn(page, { x: page.width - band, y: 0, width: band, height: page.height }),
    inkIn(page, { x: 0, y: 0, width: page.width, height: band }),
    inkIn(page, { x: 0, y: page.height - band, width: page.width, height: band }),
  ];
}

describe('the receipt PDF', () => {
  it('puts a three-bill receipt on one A4 page: inked, inside its margins, the QR code at the top right', async () => {
    const { pages } = await rendered('three', threeBillView());
    expect(pages).toHaveLength(1);
    const page = pages[0] as ReturnType<typeof readPng>;
    // A4 at 60 dpi: 496 x 702 px, the ratio 1 : √2.
    expect(page.width).toBeGreaterThan(480);
    expect(page.height / page.width).toBeCloseTo(Math.SQRT2, 1);
    const ink = inkIn(page);
    expect(ink).toBeGreaterThan(0.02);
    expect(ink).toBeLessThan(0.3);
    expect(marginsAreBlank(page)).toEqual([0, 0, 0, 0]);
    // The QR code: about 104 pt square from the top right margin, half its modules dark.
    const qr = { x: page.width - 33 - 80, y: 33, width: 80, height: 80 };
    expect(inkIn(page, qr)).toBeGreaterThan(0.3);
  });

  it('writes ₹ amounts with Indian grouping, IST times, the receipt number, masked numbers and "Scan to verify"', async () => {
    const { text } = await rendered('text', threeBillView());
    for (const expected of [
      'RCT01JD3X6Q9ZT4W8K2M5N7P',
      'PAY01JD3X6Q9ZT4W8K2M5N7P',
      'Ananya Chatterjee',
      '₹1,82,607.00',
      '₹1,79,856.00',
      '₹1,65,000.00',
      '-₹34.00',
      '+₹23.00',
      '30 Nov 2026, 12:15 pm IST',
      '1 Oct 2026 – 31 Oct 2026',
      '******3004',
      '*************2611',
      'EB-RCPT-7781202',
      'order_9fK2mX81Qa',
      'Early-payment rebate',
      'Late fee',
      'Refunds',
      'Scan to verify',
      'This receipt is in English',
    ]) {
      expect(text, expected).toContain(expected);
    }
    expect(text).not.toContain('1002003004');
    expect(text).not.toContain('Rs ');
  });

  it('starts a new page rather than split a bill when ten bills do not fit on one', async () => {
    const base = threeBillView();
    const bill = base.lines[0] as ReceiptView['lines'][number];
    const lines = Array.from({ length: 10 }, (_, i) => ({
      ...bill,
      lineId: `LIN-${i}`,
      billerName: `Biller ${i + 1}`,
    }));
    const { pages, text } = await rendered('ten', { ...base, lines, refunds: [] });
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(marginsAreBlank(page)).toEqual([0, 0, 0, 0]);
    for (let i = 1; i <= 10; i++) expect(text).toContain(`${i}. Biller ${i}`);
    expect(text).toContain('Receipt RCT01JD3X6Q9ZT4W8K2M5N7P (continued)');
  });

  it('falls back to Helvetica and "Rs" on a machine without a font that has ₹', async () => {
    const fonts = receiptFonts(join(dir, 'no-such-font.ttf'));
    expect(fonts.hasRupee).toBe(false);
    const pdf = join(dir, 'fallback.pdf');
    writeFileSync(pdf, await renderReceiptPdf(threeBillView(), fonts));
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { timeout: 60_000, encoding: 'utf8' });
    expect(text).toContain('Rs 1,82,607.00');
    expect(text).not.toContain('₹');
  });
});
