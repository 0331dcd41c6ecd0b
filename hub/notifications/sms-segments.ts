/*
 * How many SMS parts a text takes (3GPP TS 23.038 and 23.040): texts wholly in the GSM 7-bit
 * alphabet fit 160 characters in one part (153 per part when concatenated), with the extension
 * characters counting twice; anything else (Devanagari, Bengali, the rupee sign) is sent as UCS-2,
 * 70 UTF-16 units in one part and 67 per part when concatenated. No maintained package on the
 * project's dependency list does this, and it is two tables and a division.
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';

/** The encoding an SMS text needs and the parts it is split into. */
export interface SmsSize {
  encoding: 'gsm7' | 'ucs2';
  /** Septets for gsm7 (extension characters count two), UTF-16 code units for ucs2. */
  units: number;
  segments: number;
}

/** The encoding and number of parts of an SMS with this text. */
export function smsSize(text: string): SmsSize {
  let septets = 0;
  for (const char of text) {
    if (GSM_BASIC.includes(char)) septets += 1;
    else if (GSM_EXTENDED.includes(char)) septets += 2;
    else {
      const units = text.length;
      return { encoding: 'ucs2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
    }
  }
  return { encoding: 'gsm7', units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
}
