import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMPOSE_ENV_FILE, composeEnvText } from '../../adapters/sandboxes/compose-env.js';
import { registrySandboxes } from '../../adapters/sandboxes/registry-sandboxes.js';

const COMPOSE_FILE = resolve(import.meta.dirname, '../../docker-compose.yml');

/** The host ports a compose service publishes, ranges ("4101-4109:4101-4109") spread out. */
function publishedPorts(service: { ports?: string[] }): Set<number> {
  const ports = new Set<number>();
  for (const spec of service.ports ?? []) {
    const host = spec.split(':').at(-2) ?? '';
    const [from, to = from] = host.split('-').map(Number);
    for (let port = from as number; port <= (to as number); port++) ports.add(port);
  }
  return ports;
}

describe('docker compose and the biller registry', () => {
  it('compose.env is what the registry generates now (regenerate: npm run env:docs)', async () => {
    expect(readFileSync(COMPOSE_ENV_FILE, 'utf8')).toBe(await composeEnvText());
  });

  it("gives the hub and the worker every registry sandbox's variables, pointed at the sandboxes service", async () => {
    const text = await composeEnvText();
    for (const { sandbox } of await registrySandboxes()) {
      expect(text).toContain(`=http://sandboxes:${sandbox.defaultPort}\n`);
    }
    const compose = parse(readFileSync(COMPOSE_FILE, 'utf8')) as {
      services: Record<string, { env_file?: string[]; ports?: string[] }>;
    };
    for (const name of ['hub', 'worker']) {
      expect(compose.services[name]?.env_file).toEqual([`$\{BILLERS_ENV_FILE:-adapters/sandboxes/compose.env}`]);
    }
  });

  it("publishes every registry sandbox's default port from the sandboxes service", async () => {
    const compose = parse(readFileSync(COMPOSE_FILE, 'utf8')) as { services: Record<string, { ports?: string[] }> };
    const published = publishedPorts(compose.services.sandboxes ?? {});
    for (const { sandbox } of await registrySandboxes()) expect(published.has(sandbox.defaultPort)).toBe(true);
  });
});
