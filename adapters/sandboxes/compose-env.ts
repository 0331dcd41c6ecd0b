/**
 * The biller variables the hub and worker get under docker compose, generated from the registry:
 * every entry's `{"$env"}` options pointed at its sandbox in compose's `sandboxes` service
 * (`http://sandboxes:<defaultPort>`) with the sandbox's credentials. docker-compose.yml reads the
 * file through `env_file` (BILLERS_ENV_FILE picks another, e.g. the real billers' in production),
 * so compose names no biller. tests/adapters/compose-env.test.ts fails when the file is stale.
 *
 * Regenerate after a registry or sandbox change: `npx tsx adapters/sandboxes/compose-env.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_REGISTRY_FILE, registrySandboxes } from './registry-sandboxes.js';
import { registrySandboxEnv } from './running-sandboxes.js';

/** Where docker-compose.yml reads the generated variables from (unless BILLERS_ENV_FILE says otherwise). */
export const COMPOSE_ENV_FILE = join(import.meta.dirname, 'compose.env');
/** The compose service that runs adapters/sandboxes/main.ts. */
const SANDBOXES_HOST = 'sandboxes';

/** The text of compose.env for a registry file: a header, then one NAME=value line per variable. */
export async function composeEnvText(registryFile = DEFAULT_REGISTRY_FILE): Promise<string> {
  const found = await registrySandboxes(registryFile);
  const env = registrySandboxEnv(found, ({ sandbox }) => `http://${SANDBOXES_HOST}:${sandbox.defaultPort}`);
  return [
    '# Generated from adapters/billers.json by `npx tsx adapters/sandboxes/compose-env.ts`: do not edit.',
    "# docker compose's hub and worker read it: each biller's variables pointed at its sandbox in the",
    "# `sandboxes` service. Production: BILLERS_ENV_FILE=<a file with the real billers' URLs and secrets>.",
    ...Object.entries(env).map(([name, value]) => `${name}=${value}`),
    '',
  ].join('\n');
}

if (resolve(process.argv[1] ?? '') === import.meta.filename) {
  writeFileSync(COMPOSE_ENV_FILE, await composeEnvText());
  console.log(`wrote ${COMPOSE_ENV_FILE}`);
}
