import { generateSecret, generateURI, verifySync } from 'otplib';

// What authenticator apps assume when the otpauth URI does not say otherwise.
const TOTP_SETTINGS = { algorithm: 'sha1', digits: 6, period: 30 } as const;
const SIX_DIGITS = /^\d{6}$/;

/** A fresh 160-bit secret, base32 as authenticator apps expect. */
export function generateTotpSecret(): string {
  return generateSecret();
}

export interface TotpUriOptions {
  /** Base32, from generateTotpSecret. */
  secret: string;
  /** What the app shows under the issuer, e.g. the citizen's e-mail or phone. */
  accountName: string;
  issuer: string;
}

/** The otpauth://totp/ URI shown as a QR code when enrolling an authenticator app. */
export function totpUri({ secret, accountName, issuer }: TotpUriOptions): string {
  return generateURI({ strategy: 'totp', issuer, label: accountName, secret, ...TOTP_SETTINGS });
}

/**
 * Checks a token against the current 30 s step and one step either side (clock drift), and
 * returns the matched step or null. Replay protection is the caller's: accept only a step later
 * than the last one used (AccountStore.acceptTotpStep does it in one conditional update).
 */
export function verifyTotp(secret: string, token: string, { now = Date.now() }: { now?: number } = {}): number | null {
  // otplib throws on malformed tokens; a typo is just a wrong code here.
  if (!SIX_DIGITS.test(token)) return null;
  const result = verifySync({
    strategy: 'totp',
    secret,
    token,
    epoch: Math.floor(now / 1000),
    // One period of tolerance either way covers exactly the previous and the next step.
    epochTolerance: TOTP_SETTINGS.period,
    ...TOTP_SETTINGS,
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
