import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_REGISTRY_FILE, type RegistrySandbox, registrySandboxes, sandboxEnvFor } from './registry-sandboxes.js';
import type { BillerSandbox, SandboxAppOptions } from './shared/biller-sandbox.js';

/** A registry sandbox listening in this process. */
export interface RunningSandbox extends RegistrySandbox {
  server: Server;
  /** Its base URL, e.g. "http://127.0.0.1:4101". */
  url: string;
}

/** Every registry sandbox running, and the environment that points the registry at them. */
export interface RunningSandboxes {
  /** In registry order; one per folder (two entries of one folder share their sandbox). */
  running: RunningSandbox[];
  /** Every entry's `{"$env"}` options pointed at its running sandbox (sandboxEnvFor of each entry). */
  env: Record<string, string>;
  /** The running sandbox of the given name ("electricity", "property-tax"); throws when there is none. */
  byName(name: string): RunningSandbox;
  close(): Promise<void>;
}

export interface StartSandboxesOptions extends SandboxAppOptions {
  /** The registry whose sandboxes to start (default adapters/billers.json). */
  registryFile?: string;
  /** The port each sandbox listens on: 0 (the default) for a free one, sandboxPort for npm's. */
  port?: (sandbox: BillerSandbox) => number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The host in the URLs handed out (default: `host`, or 127.0.0.1 when it is 0.0.0.0). */
  urlHost?: string;
}

/**
 * The port a sandbox listens on under `npm start` and `npm run sandboxes`: its `portEnv` from
 * `env` when set, else its `defaultPort`. Throws when the variable is not a port number.
 */
export function sandboxPort(sandbox: BillerSandbox, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[sandbox.portEnv]?.trim();
  if (!raw) return sandbox.defaultPort;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535)
    throw new RangeError(`${sandbox.portEnv} must be a port number, got "${raw}"`);
  return port;
}

/**
 * The environment the hub needs to reach every registry entry's sandbox at `urlOf(it)`: the loop
 * of sandboxEnvFor over the entries (their base URL and the sandbox's credentials).
 */
export function registrySandboxEnv(
  found: readonly RegistrySandbox[],
  urlOf: (found: RegistrySandbox) => string,
): Record<string, string> {
  return Object.assign({}, ...found.map((each) => sandboxEnvFor(each.entry, each.sandbox, urlOf(each))));
}

/**
 * Starts the sandbox of every enabled registry entry that has one (registrySandboxes), each on
 * its own server, and gives their URLs and the env that points the registry at them. The test
 * harnesses (port 0) and `npm run sandboxes` (sandboxPort) use it; none of them names a biller.
 * Rejects, closing what already started, when a sandbox fails to build or listen (naming the
 * sandbox, the address and its port variable), and before starting any when two sandboxes are
 * given one port (e.g. PROPERTY_TAX_SANDBOX_PORT set to electricity's 4101).
 */
export async function startRegistrySandboxes(options: StartSandboxesOptions = {}): Promise<RunningSandboxes> {
  const { registryFile = DEFAULT_REGISTRY_FILE, port = () => 0, host = '127.0.0.1', ...appOptions } = options;
  const urlHost = options.urlHost ?? (host === '0.0.0.0' ? '127.0.0.1' : host);
  const found = await registrySandboxes(registryFile);
  const wanted = new Map<number, BillerSandbox>();
  for (const { sandbox } of found) {
    const at = port(sandbox);
    const other = wanted.get(at);
    if (at !== 0 && other && other !== sandbox) {
      throw new Error(
        `the ${sandbox.name} sandbox (${sandbox.portEnv}) and the ${other.name} sandbox (${other.portEnv}) are both given port ${at}`,
      );
    }
    wanted.set(at, sandbox);
  }
  const byFolder = new Map<string, RunningSandbox>();
  const servers: Server[] = [];
  const close = async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  };
  try {
    for (const each of found) {
      if (byFolder.has(each.folder)) continue;
      const at = port(each.sandbox);
      const server = each.sandbox.create(appOptions).listen(at, host);
      servers.push(server);
      await once(server, 'listening').catch((error: Error) => {
        throw new Error(
          `the ${each.sandbox.name} sandbox cannot listen on ${host}:${at} (${each.sandbox.portEnv}): ${error.message}`,
        );
      });
      const url = `http://${urlHost}:${(server.address() as AddressInfo).port}`;
      byFolder.set(each.folder, { ...each, server, url });
    }
  } catch (error) {
    await close();
    throw error;
  }
  const running = [...byFolder.values()];
  const env = registrySandboxEnv(found, (each) => byFolder.get(each.folder)?.url ?? '');
  return {
    running,
    env,
    byName: (name) => {
      const match = running.find((each) => each.sandbox.name === name);
      if (!match) throw new Error(`no registry sandbox named ${name} (have ${running.map((r) => r.sandbox.name)})`);
      return match;
    },
    close,
  };
}
