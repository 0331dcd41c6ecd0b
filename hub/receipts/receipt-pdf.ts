import PDFDocument from 'pdfkit';
import type { Receipt } from './receipt-model.js';

/** Paise as "Rs 1,234.50": integer arithmetic, Indian digit grouping. */
export function formatRupees(minor: number): string {
  const rupees = Math.trunc(minor / 100);
  const paise = String(Math.abs(minor % 100)).padStart(2, '0');
  return `Rs ${new Intl.NumberFormat('en-IN').format(rupees)}.${paise}`;
}

const STATUS_TEXT: Record<string, string> = {
  settled: 'Paid to biller',
  refunded: 'Refunded',
  completed: 'Completed',
  partially_refunded: 'Partly refunded',
};

/** The receipt as a one-page PDF (pdfkit, its built-in Helvetica: nothing to download). */
export function renderReceiptPdf(receipt: Receipt): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Receipt ${receipt._id}` } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    doc.fontSize(18).text('Citizen BillPay: payment receipt');
    doc.moveDown(0.5).fontSize(10);
    doc.text(`Receipt number: ${receipt._id}`);
    doc.text(`Payment reference: ${receipt.paymentId}`);
    doc.text(`Paid: ${receipt.paidAt.toISOString()}   Method: ${receipt.method ?? 'unknown'}`);
    doc.text(`Status: ${STATUS_TEXT[receipt.status] ?? receipt.status}   Total: ${formatRupees(receipt.totalMinor)}`);
    doc.moveDown();
    for (const line of receipt.lines) {
      doc.fontSize(12).text(line.billerName);
      doc.fontSize(10);
      doc.text(`Consumer ${line.consumerMasked}   Bill ${line.billNumber}   Amount ${formatRupees(line.amountMinor)}`);
      doc.text(`Reference ${line.reference}   Biller reference ${line.billerReference ?? '-'}`);
      doc.text(`Status: ${STATUS_TEXT[line.status] ?? line.status}`);
      doc.moveDown(0.5);
    }
    doc.moveDown();
    doc.text(`Paid to billers ${formatRupees(receipt.settledMinor)}; refunded ${formatRupees(receipt.refundedMinor)}.`);
    doc.text(`Issued ${receipt.issuedAt.toISOString()}`);
    doc.end();
  });
}
