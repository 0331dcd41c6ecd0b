import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestClient } from './test-idp.js';

/**
 * A client to register at a test idp: `id`, the given secret (else a fresh random one), and a
 * callback and post-logout URI under http://127.0.0.1:4/<id>/, a port nothing listens on. Not
 * port 9: Chromium refuses to follow a redirect to it (ERR_UNSAFE_PORT, its restricted ports),
 * which a browser test intercepting the callback sees as a navigation that never arrives.
 */
export function testClient(id: string, secret = randomBytes(32).toString('base64url')): TestClient {
  return {
    id,
    secret,
    redirectUri: `http://127.0.0.1:4/${id}/callback`,
    postLogoutRedirectUri: `http://127.0.0.1:4/${id}/`,
  };
}

/**
 * The clients-file entry that registers `client` at the idp: its id, the variable `secretEnv`
 * that holds its secret, and its callback URI, then the entry's other fields from `more`.
 */
export function clientEntry(
  client: TestClient,
  secretEnv: string,
  more: Record<string, unknown> = {},
): Record<string, unknown> {
  return { client_id: client.id, client_secret_env: secretEnv, redirect_uris: [client.redirectUri], ...more };
}

/**
 * Writes `{ clients }` as clients.json (the idp's IDP_CLIENTS_FILE) in a new temporary directory
 * whose name starts with `prefix`; returns the file's path and `remove`, which deletes the directory.
 */
export function writeClientsFile(
  prefix: string,
  clients: Record<string, unknown>[],
): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, 'clients.json');
  writeFileSync(file, JSON.stringify({ clients }));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Fresh random IDP_COOKIE_KEYS, IDP_OTP_SECRET and IDP_DATA_KEY for one idp's environment. */
export function idpKeys(): { IDP_COOKIE_KEYS: string; IDP_OTP_SECRET: string; IDP_DATA_KEY: string } {
  return {
    IDP_COOKIE_KEYS: randomBytes(32).toString('base64url'),
    IDP_OTP_SECRET: randomBytes(32).toString('base64url'),
    IDP_DATA_KEY: randomBytes(32).toString('base64'),
  };
}
