import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadClients } from '../../../idp/provider/clients.js';
import { loadRoles } from '../../../idp/roles/index.js';
import { ConfigError } from '../../../infra/config.js';

/** A roles file holding `content` as JSON in a fresh folder; answers its path and a cleanup. */
export function rolesFile(content: unknown): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'roles-'));
  const file = join(dir, 'roles.json');
  writeFileSync(file, JSON.stringify(content));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The problems loadRoles reports for a roles file holding `content`, checked against `clients`
 * (none when it loads); any error other than a ConfigError is thrown on.
 */
export function roleProblemsOf(content: unknown, clients: Parameters<typeof loadRoles>[1]): string[] {
  const { file, remove } = rolesFile(content);
  try {
    loadRoles(file, clients);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  } finally {
    remove();
  }
}

/** idp/clients.example.json loaded with every client secret it names set (32 characters each). */
export function exampleClients() {
  const secret = 'x'.repeat(32);
  return loadClients('idp/clients.example.json', {
    HUB_OIDC_CLIENT_SECRET: secret,
    PARTNER_OIDC_CLIENT_SECRET: secret,
    PROVIDER_API_CLIENT_SECRET: secret,
    OPERATOR_OIDC_CLIENT_SECRET: secret,
  });
}
