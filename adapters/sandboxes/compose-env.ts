/**
 * The biller variables the hub and worker get under docker compose, generated from the registry:
 * every entry's `{"$env"}` options pointed at its sandbox in compose's `sandboxes` service
 * (`http://sandboxes:<defaultPort>`) with the sandbox's credentials. docker-compose.yml reads the
 * file through `env_file` (BILLERS_ENV_FILE picks another, e.g. the real billers' in production),
 * so compose names no biller. tests/adapters/compose-env.test.ts fails when the file is stale.
 *
 * Regenerated with the env docs after a registry or sandbox change: `npm run env:docs`.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_REGISTRY_FILE, registrySandboxes } from './registry-sandboxes.js';
import { registrySandboxEnv } from './running-sandboxes.js';

/** Where docker-compose.yml reads the generated variables from (unless BILLERS_ENV_FILE says otherwise). */
export const COMPOSE_ENV_FILE = join(import.meta.dirname, 'compose.env');
/** The variable docker-compose.yml interpolates to pick the hub's and worker's biller variables. */
export const composeBillersEnvSchema = z.object({
  BILLERS_ENV_FILE: z
    .string()
    .min(1)
    .default('adapters/sandboxes/compose.env')
    .describe(
      "docker compose: the file the hub and worker read their billers' variables from; the default points every biller at its sandbox, production names a file with the real billers' URLs and secrets.",
    ),
});

/** The compose service that runs adapters/sandboxes/main.ts. */
const SANDBOXES_HOST = 'sandboxes';

/** The text of compose.env for a registry file: a header, then one NAME=value line per variable. */
export async function composeEnvText(registryFile = DEFAULT_REGISTRY_FILE): Promise<string> {
  const found = await registrySandboxes(registryFile);
  const env = registrySandboxEnv(found, ({ sandbox }) => `http://${SANDBOXES_HOST}:${sandbox.defaultPort}`);
  return [
    '# Generated from adapters/billers.json by `npm run env:docs`: do not edit.',
    "# docker compose's hub and worker read it: each biller's variables pointed at its sandbox in the",
    "# `sandboxes` service. Production: BILLERS_ENV_FILE=<a file with the real billers' URLs and secrets>.",
    ...Object.entries(env).map(([name, value]) => `${name}=${value}`),
    '',
  ].join('\n');
}
