import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The fonts a receipt PDF is set in: TrueType files (embedded, subset by pdfkit), or pdfkit's Helvetica. */
export interface ReceiptFonts {
  regular: string | Buffer;
  bold: string | Buffer;
  /** Whether the fonts draw ₹ (U+20B9); pdfkit's Helvetica does not, so money falls back to "Rs". */
  hasRupee: boolean;
}

/**
 * DejaVu Sans, from Debian's fonts-dejavu-core: it draws ₹ and every Latin letter, and it is on
 * every machine `scripts/setup.sh` prepares (Chromium's fontconfig depends on it). Nothing is
 * downloaded at run time.
 */
const DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

let cached: { file: string | undefined; fonts: ReceiptFonts } | undefined;

/**
 * The receipt fonts: `file` (RECEIPT_FONT_FILE; its `-Bold` sibling when there is one), else
 * DejaVu Sans; without either, pdfkit's Helvetica with "Rs" for ₹ (`hasRupee: false`), so a
 * machine without the font still gets a readable receipt. Read once per process.
 */
export function receiptFonts(file?: string): ReceiptFonts {
  if (cached && cached.file === file) return cached.fonts;
  const regular = file ?? DEJAVU;
  let fonts: ReceiptFonts;
  if (existsSync(regular)) {
    const boldFile = join(
      dirname(regular),
      regular
        .split('/')
        .pop()
        ?.replace(/(\.[^.]+)$/, '-Bold$1') ?? '',
    );
    fonts = {
      regular: readFileSync(regular),
      bold: existsSync(boldFile) ? readFileSync(boldFile) : readFileSync(regular),
      hasRupee: true,
    };
  } else {
    fonts = { regular: 'Helvetica', bold: 'Helvetica-Bold', hasRupee: false };
  }
  cached = { file, fonts };
  return fonts;
}
