import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The secrets `npm start` needs; production sets them itself (see .env.example). */
const GENERATED: Record<string, () => string> = {
  IDP_COOKIE_KEYS: () => randomBytes(32).toString('base64url'),
  IDP_OTP_SECRET: () => randomBytes(32).toString('base64url'),
  IDP_DATA_KEY: () => randomBytes(32).toString('base64'),
  HUB_OIDC_CLIENT_SECRET: () => randomBytes(32).toString('base64url'),
  PARTNER_OIDC_CLIENT_SECRET: () => randomBytes(32).toString('base64url'),
  PROVIDER_API_CLIENT_SECRET: () => randomBytes(32).toString('base64url'),
  OPERATOR_OIDC_CLIENT_SECRET: () => randomBytes(32).toString('base64url'),
  // Signs the verification tokens in receipts' QR codes (hub/receipts/receipt-tokens.ts).
  RECEIPT_SIGNING_KEYS: () => randomBytes(32).toString('base64url'),
};

/**
 * Random development secrets, made once and kept in the data folder (never in the repo) so
 * sessions, sealed authenticator secrets and signing keys survive restarts. Variables already
 * set in the environment win.
 */
export function devSecrets(file: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const stored: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  let changed = false;
  for (const [name, make] of Object.entries(GENERATED)) {
    if (!stored[name]) {
      stored[name] = make();
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return Object.fromEntries(Object.keys(GENERATED).map((name) => [name, env[name] ?? (stored[name] as string)]));
}
