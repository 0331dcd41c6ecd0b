import { createHash, randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

/** What a verification token says: which receipt, and a digest of what it was issued for. */
export interface ReceiptClaims {
  receiptNumber: string;
  /** bindingOf(...) of the receipt the token was made for. */
  binding: string;
}

/** The facts a token is bound to: another payment or another total is another receipt. */
export interface ReceiptBinding {
  receiptNumber: string;
  paymentId: string;
  currency: string;
  totalMinor: number;
}

/** Longer input is not a token of ours: refused before any parsing. */
const MAX_TOKEN_LENGTH = 512;

/**
 * 12 bytes of SHA-256 over the receipt number, payment id, currency and total (paise), base64url
 * (16 characters): enough to tell one receipt's facts from another's (the signature, not this
 * digest, is what stops forgery), short enough for a QR code.
 */
export function bindingOf(receipt: ReceiptBinding): string {
  return createHash('sha256')
    .update(`${receipt.receiptNumber}|${receipt.paymentId}|${receipt.currency}|${receipt.totalMinor}`)
    .digest()
    .subarray(0, 12)
    .toString('base64url');
}

/**
 * Signs and checks the tokens in receipts' QR codes: compact JWS (jose), HS256.
 *
 * Why HS256 and not EdDSA: the only verifier is the hub itself (a clerk's phone opens the hub's
 * /verify page, which also looks the receipt up), so a public key buys nothing, and HS256's
 * 32-byte signature is half of Ed25519's 64: the whole URL stays under 180 characters, a QR code
 * of version 9 or less that a phone reads off a printed page. The token has no expiry: a receipt
 * is proof for as long as it is kept. Keys rotate as a list: the first signs, all verify.
 */
export class ReceiptTokens {
  private readonly keys: Uint8Array[];

  /** `keys`: secrets of at least 32 characters; none: a random key for this process only (dev, tests). */
  constructor(keys: readonly string[]) {
    this.keys = (keys.length > 0 ? keys.map((key) => Buffer.from(key, 'utf8')) : [randomBytes(32)]).map(
      (key) => new Uint8Array(key),
    );
  }

  /**
   * The token for a receipt: `{r: receipt number, h: binding}`, nothing else (no name, no amounts,
   * one-letter claims: every character makes the QR code denser).
   */
  sign(receipt: ReceiptBinding): Promise<string> {
    return new SignJWT({ r: receipt.receiptNumber, h: bindingOf(receipt) })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(this.keys[0] as Uint8Array);
  }

  /** The claims of a genuine token, or null: malformed, another algorithm, or signed by no key of ours. */
  async read(token: string): Promise<ReceiptClaims | null> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
    for (const key of this.keys) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
        if (typeof payload.r !== 'string' || typeof payload.h !== 'string') return null;
        return { receiptNumber: payload.r, binding: payload.h };
      } catch (error) {
        if (!(error instanceof joseErrors.JOSEError)) throw error;
      }
    }
    return null;
  }
}
