import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { type ReceiptFonts, receiptFonts } from './receipt-font.js';
import {
  formatDateTimeIST,
  formatDay,
  formatMoney,
  formatPeriod,
  formatRupees,
  METHOD_TEXT,
  STATUS_TEXT,
} from './receipt-text.js';
import type { ReceiptLineView, ReceiptView } from './receipt-view.js';

// Kept here too: scripts/ledger-check.ts imports it from this module.
export { formatRupees };

/** A4 in PDF points, and the margins every block keeps to. */
const PAGE = { width: 595.28, height: 841.89, margin: 40 };
const RIGHT = PAGE.width - PAGE.margin;
const BOTTOM = PAGE.height - PAGE.margin;
const INK = '#0b0c0c';
const MUTED = '#505a5f';
const RULE = '#b1b4b6';
const PANEL = '#f3f2f1';
const QR_SIZE = 104;
const ROW = 13;

type Doc = PDFKit.PDFDocument;

/** What the layout needs besides the view. */
interface Layout {
  doc: Doc;
  money: (minor: number) => string;
}

/** One line of text that never wraps: cut with an ellipsis to its width. */
function cell(doc: Doc, text: string, x: number, y: number, width: number, align: 'left' | 'right' = 'left') {
  doc.text(text, x, y, { width, align, lineBreak: false, ellipsis: true, height: ROW });
}

/** A label and its value on one row. */
function field(doc: Doc, label: string, value: string, x: number, y: number, labelWidth: number, width: number) {
  doc.font('regular').fontSize(8.5).fillColor(MUTED);
  cell(doc, label, x, y + 0.5, labelWidth);
  doc.font('regular').fontSize(9.5).fillColor(INK);
  cell(doc, value, x + labelWidth, y, width - labelWidth);
}

function rule(doc: Doc, y: number, from = PAGE.margin, to = RIGHT) {
  doc.moveTo(from, y).lineTo(to, y).lineWidth(0.6).strokeColor(RULE).stroke();
}

/** The QR code of the verification URL, drawn as vector squares so it prints sharp at any size. */
function qrCode(doc: Doc, url: string, x: number, y: number, size: number) {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const module = size / count;
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.modules.get(row, col)) doc.rect(x + col * module, y + row * module, module, module);
    }
  }
  doc.fillColor('#000000').fill();
  doc.font('regular').fontSize(8.5).fillColor(INK);
  doc.text('Scan to verify', x - 10, y + size + 5, { width: size + 20, align: 'center', lineBreak: false });
}

/** Title, the receipt's facts on the left and the QR code on the right; returns the next y. */
function header({ doc }: Layout, view: ReceiptView): number {
  const top = PAGE.margin;
  doc.font('regular').fontSize(9).fillColor(MUTED).text('Citizen BillPay', PAGE.margin, top, { lineBreak: false });
  doc
    .font('bold')
    .fontSize(20)
    .fillColor(INK)
    .text('Payment receipt', PAGE.margin, top + 13, { lineBreak: false });
  qrCode(doc, view.verifyUrl, RIGHT - QR_SIZE, top, QR_SIZE);

  const facts: [string, string][] = [
    ['Receipt number', view.receiptNumber],
    ['Payer', view.payerName ?? '—'],
    ['Payment number', view.paymentId],
    ['Paid on', formatDateTimeIST(view.paidAt)],
    ['Method', view.method ? (METHOD_TEXT[view.method] ?? view.method) : '—'],
    // A wallet transfer had no gateway: its reference is the wallet's transaction id.
    [view.method === 'wallet' ? 'Wallet transaction id' : 'Gateway reference', view.gatewayReference ?? '—'],
    ['Status', STATUS_TEXT[view.status] ?? view.status],
  ];
  let y = top + 46;
  const width = RIGHT - QR_SIZE - 20 - PAGE.margin;
  for (const [label, value] of facts) {
    field(doc, label, value, PAGE.margin, y, 110, width);
    y += ROW + 1;
  }
  return Math.max(y, top + QR_SIZE + 22) + 6;
}

/** The money in one panel: the total and how it ended (paid to billers, refunded). */
function totals({ doc, money }: Layout, view: ReceiptView, top: number): number {
  const height = 40;
  doc
    .rect(PAGE.margin, top, RIGHT - PAGE.margin, height)
    .fillColor(PANEL)
    .fill();
  doc
    .font('regular')
    .fontSize(9)
    .fillColor(MUTED)
    .text('Total paid', PAGE.margin + 10, top + 7, { lineBreak: false });
  doc
    .font('bold')
    .fontSize(16)
    .fillColor(INK)
    .text(money(view.totalMinor), PAGE.margin + 10, top + 18, { lineBreak: false });
  doc.font('regular').fontSize(9).fillColor(INK);
  const split = `Paid to billers ${money(view.settledMinor)}    Refunded ${money(view.refundedMinor)}`;
  doc.text(split, PAGE.margin + 180, top + 22, { width: RIGHT - PAGE.margin - 190, align: 'right', lineBreak: false });
  return top + height + 14;
}

const ADJUSTMENT_TEXT = { rebate: 'Early-payment rebate', late_fee: 'Late fee' } as const;

/** The rows of a bill's breakup table: charges and taxes, then the rebate or late fee. */
function breakupRows(line: ReceiptLineView, money: Layout['money']): [string, string][] {
  // A biller's label is free text: three lines of the table at most.
  const short = (label: string) => (label.length > 90 ? `${label.slice(0, 89)}…` : label);
  const rows: [string, string][] = line.breakup.map((item) => [short(item.label), money(item.amountMinor)]);
  if (line.adjustment && line.amountDueMinor !== undefined) rows.push(['Amount due', money(line.amountDueMinor)]);
  if (line.adjustment) {
    const sign = line.adjustment.amountMinor > 0 ? '+' : '';
    rows.push([ADJUSTMENT_TEXT[line.adjustment.kind], `${sign}${money(line.adjustment.amountMinor)}`]);
  }
  return rows;
}

/** The breakup table's columns: labels wrap within theirs, amounts stay on the label's first line. */
const TABLE_X = 300;
const AMOUNT_WIDTH = 84;
const LABEL_WIDTH = RIGHT - TABLE_X - AMOUNT_WIDTH - 6;

/** How tall a breakup label is once wrapped (a slab's label can be a long sentence). */
function labelHeight(doc: Doc, label: string): number {
  doc.font('regular').fontSize(9);
  return Math.max(ROW, doc.heightOfString(label, { width: LABEL_WIDTH }) + 2);
}

/**
 * The facts beside a bill's table. A payment demand's line names the request, its reference in
 * full, the instalments paid and what was left to pay; it has no billing period.
 */
function detailsOf(line: ReceiptLineView, money: Layout['money']): [string, string][] {
  const demand = line.demand;
  const tail: [string, string][] = [
    ['Payment reference', line.reference],
    ['Biller reference', line.billerReference ?? '—'],
    ['Status', STATUS_TEXT[line.status] ?? line.status],
  ];
  if (!demand) {
    return [
      ['Consumer', line.consumerMasked],
      ['Bill number', line.billNumberMasked],
      ['Period', formatPeriod(line.period) ?? '—'],
      ...tail,
    ];
  }
  const numbers = demand.instalments.map((i) => i.number).join(', ');
  const dueDates = demand.instalments.map((i) => formatDay(i.dueDate)).join(', ');
  const left = demand.remaining;
  // A line refunded (or not final) paid no instalment: it names them, and says nothing of what is left.
  if (line.status !== 'settled') {
    return [
      ['Request', demand.title],
      ['Demand reference', demand.reference],
      ['Instalments', `${numbers} of ${demand.instalmentCount} (due ${dueDates})`],
      ...tail,
    ];
  }
  return [
    ['Request', demand.title],
    ['Demand reference', demand.reference],
    ['Instalments paid', `${numbers} of ${demand.instalmentCount} (due ${dueDates})`],
    ...tail,
    [
      'Still to pay',
      left.count > 0 && left.nextDueDate
        ? `${money(left.amountMinor)}: ${left.count} instalment${left.count === 1 ? '' : 's'}, next due ${formatDay(left.nextDueDate)}`
        : 'Nothing: paid in full',
    ],
  ];
}

/** A demand's items and their taxes, for the whole request (instalments split its total, not its taxes). */
function taxRows(line: ReceiptLineView, money: Layout['money']): [string, string][] {
  const demand = line.demand;
  if (!demand) return [];
  return demand.items.flatMap((item): [string, string][] => [
    [`${item.description}: taxable value`, money(item.amountMinor)],
    ...item.taxes.map((tax): [string, string] => [tax.name, money(tax.amountMinor)]),
  ]);
}

/** The width of a bill's detail values, beside their labels. */
const DETAIL_LABEL = 92;
const DETAIL_VALUE = TABLE_X - PAGE.margin - 12 - DETAIL_LABEL;

/** How tall one detail is once its value wraps (a request's title, its instalments and what is left). */
function detailHeight(doc: Doc, value: string): number {
  doc.font('regular').fontSize(9.5);
  return Math.max(ROW, doc.heightOfString(value, { width: DETAIL_VALUE }) + 1);
}

const detailsHeight = (doc: Doc, details: [string, string][]) =>
  details.reduce((sum, [, value]) => sum + detailHeight(doc, value), 0);

/** A bill's detail: its label, and its value wrapped within its column. Returns the next y. */
function detail(doc: Doc, label: string, value: string, y: number): number {
  const height = detailHeight(doc, value);
  doc.font('regular').fontSize(8.5).fillColor(MUTED);
  cell(doc, label, PAGE.margin, y + 0.5, DETAIL_LABEL);
  doc.font('regular').fontSize(9.5).fillColor(INK);
  doc.text(value, PAGE.margin + DETAIL_LABEL, y, { width: DETAIL_VALUE });
  return y + height;
}

/** How tall a bill's block is, so a page break never splits one. */
function billHeight(doc: Doc, line: ReceiptLineView): number {
  const details = detailsHeight(doc, detailsOf(line, String));
  const rows = breakupRows(line, String).reduce((sum, [label]) => sum + labelHeight(doc, label), 0);
  const taxes = taxRows(line, String);
  const taxTable = taxes.length ? 6 + ROW + taxes.reduce((sum, [label]) => sum + labelHeight(doc, label), 0) : 0;
  const table = Math.max(rows, ROW) + 4 + ROW + (line.adjustment ? 4 : 0) + taxTable;
  return 20 + Math.max(details, table) + 16;
}

/** One bill: its heading, its details on the left, its breakup table and amount on the right. */
function bill({ doc, money }: Layout, line: ReceiptLineView, index: number, top: number): number {
  doc.font('bold').fontSize(11).fillColor(INK);
  cell(doc, `${index + 1}. ${line.billerName}`, PAGE.margin, top, 340);
  cell(doc, money(line.amountMinor), RIGHT - 150, top, 150, 'right');
  let y = top + 20;
  for (const [label, value] of detailsOf(line, money)) y = detail(doc, label, value, y);

  let t = top + 20;
  const rows = breakupRows(line, money);
  if (rows.length === 0) {
    doc.font('regular').fontSize(8.5).fillColor(MUTED);
    cell(doc, 'The biller gave no breakup for this bill.', TABLE_X, t, RIGHT - TABLE_X);
    t += ROW;
  }
  for (const [label, amount] of rows) {
    // The subtotal before the rebate or late fee stands apart from the charges above it.
    if (label === 'Amount due') {
      rule(doc, t + 1, TABLE_X, RIGHT);
      t += 4;
    }
    const height = labelHeight(doc, label);
    doc.font('regular').fontSize(9).fillColor(INK);
    doc.text(label, TABLE_X, t, { width: LABEL_WIDTH });
    cell(doc, amount, RIGHT - AMOUNT_WIDTH, t, AMOUNT_WIDTH, 'right');
    t += height;
  }
  rule(doc, t + 1, TABLE_X, RIGHT);
  t += 4;
  doc.font('bold').fontSize(9).fillColor(INK);
  cell(doc, 'Amount paid', TABLE_X, t, LABEL_WIDTH);
  cell(doc, money(line.amountMinor), RIGHT - AMOUNT_WIDTH, t, AMOUNT_WIDTH, 'right');
  t += ROW;

  const taxes = taxRows(line, money);
  if (line.demand && taxes.length > 0) {
    t += 6;
    doc.font('regular').fontSize(8.5).fillColor(MUTED);
    cell(doc, `Tax breakup of the whole request (${money(line.demand.totalMinor)})`, TABLE_X, t, RIGHT - TABLE_X);
    t += ROW;
    for (const [label, amount] of taxes) {
      const height = labelHeight(doc, label);
      doc.font('regular').fontSize(9).fillColor(INK);
      doc.text(label, TABLE_X, t, { width: LABEL_WIDTH });
      cell(doc, amount, RIGHT - AMOUNT_WIDTH, t, AMOUNT_WIDTH, 'right');
      t += height;
    }
  }

  const bottom = Math.max(y, t) + 6;
  rule(doc, bottom);
  return bottom + 8;
}

/** The refunds table: which bill, how much, under which key, when. */
function refunds({ doc, money }: Layout, view: ReceiptView, top: number): number {
  let y = top;
  doc.font('bold').fontSize(11).fillColor(INK).text('Refunds', PAGE.margin, y, { lineBreak: false });
  y += 18;
  const columns = [
    { title: 'Bill', x: PAGE.margin, width: 140 },
    { title: 'Amount', x: 180, width: 75, align: 'right' as const },
    { title: 'Refund reference', x: 270, width: 150 },
    { title: 'Refunded on', x: 425, width: RIGHT - 425 },
  ];
  doc.font('regular').fontSize(8.5).fillColor(MUTED);
  for (const column of columns) cell(doc, column.title, column.x, y, column.width, column.align);
  y += ROW;
  for (const refund of view.refunds) {
    const line = view.lines.find((l) => l.lineId === refund.lineId);
    const values = [
      line?.billerName ?? (refund.lineId === undefined ? 'Whole payment' : refund.lineId),
      money(refund.amountMinor),
      refund.reference ?? '—',
      refund.at ? formatDateTimeIST(refund.at) : (STATUS_TEXT[refund.status] ?? refund.status),
    ];
    doc.font('regular').fontSize(8.5).fillColor(INK);
    columns.forEach((column, i) => {
      cell(doc, values[i] ?? '', column.x, y, column.width, column.align);
    });
    y += ROW;
  }
  return y + 8;
}

/** Where the receipt says what it is, and how to check it without a phone. */
function footerText(view: ReceiptView, hasRupee: boolean): string {
  return (
    `Issued ${formatDateTimeIST(view.issuedAt)}. This receipt is in English; amounts are in Indian rupees` +
    `${hasRupee ? ' (₹)' : ''}, times in India Standard Time. Scan the QR code, or open this address, to check ` +
    `that the receipt is genuine: ${view.verifyUrl}`
  );
}

/** How tall the footer is: the blocks above keep clear of it. */
function footerHeight(doc: Doc, text: string): number {
  doc.font('regular').fontSize(7.5);
  return doc.heightOfString(text, { width: RIGHT - PAGE.margin });
}

/** The footer, set against the bottom margin of the current (last) page. */
function footer(doc: Doc, text: string) {
  const height = footerHeight(doc, text);
  doc.fillColor(MUTED).text(text, PAGE.margin, BOTTOM - height, { width: RIGHT - PAGE.margin });
}

/** A new page for what does not fit, headed with the receipt number; returns its first free y. */
function nextPage(doc: Doc, view: ReceiptView): number {
  doc.addPage();
  doc.font('regular').fontSize(9).fillColor(MUTED);
  doc.text(`Receipt ${view.receiptNumber} (continued)`, PAGE.margin, PAGE.margin, { lineBreak: false });
  return PAGE.margin + 20;
}

/**
 * The receipt as an A4 PDF (pdfkit): the facts and QR code at the top, the total, one block per
 * bill (details and breakup table), refunds, and a footer with the verification address. Money
 * is ₹ with Indian grouping in an embedded font that has ₹ (receipt-font.ts), times are IST.
 * A bill block that would cross the bottom starts a new page. English only, and it says so.
 */
export function renderReceiptPdf(view: ReceiptView, fonts: ReceiptFonts = receiptFonts()): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: PAGE.margin,
      lang: 'en-IN',
      displayTitle: true,
      info: { Title: `Receipt ${view.receiptNumber}`, Author: 'Citizen BillPay', Subject: 'Payment receipt' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      doc.registerFont('regular', fonts.regular);
      doc.registerFont('bold', fonts.bold);
      const money = (minor: number) => {
        const text = formatMoney(minor, view.currency);
        return fonts.hasRupee ? text : text.replace('₹', 'Rs ');
      };
      const layout: Layout = { doc, money };

      let y = header(layout, view);
      y = totals(layout, view, y);
      doc
        .font('bold')
        .fontSize(11)
        .fillColor(INK)
        .text(`Bills (${view.lines.length})`, PAGE.margin, y, { lineBreak: false });
      y += 18;
      rule(doc, y - 4);
      const note = footerText(view, fonts.hasRupee);
      const footerSpace = footerHeight(doc, note) + 8;
      view.lines.forEach((line, index) => {
        if (y + billHeight(doc, line) > BOTTOM - footerSpace) y = nextPage(doc, view);
        y = bill(layout, line, index, y + 4);
      });
      if (view.refunds.length > 0) {
        if (y + 40 + view.refunds.length * ROW > BOTTOM - footerSpace) y = nextPage(doc, view);
        y = refunds(layout, view, y + 4);
      }
      footer(doc, note);
      doc.end();
    } catch (error) {
      reject(error);
    }
  });
}
