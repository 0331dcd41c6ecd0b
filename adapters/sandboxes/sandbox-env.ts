import { DEFAULT_REGISTRY_FILE, type RegistrySandbox, registrySandboxes } from './registry-sandboxes.js';
import { registrySandboxEnv, sandboxPort } from './running-sandboxes.js';
import { checkedConsumerCount } from './shared/population.js';

/** A registry sandbox where `npm run sandboxes` puts it. */
export interface LocalSandbox extends RegistrySandbox {
  port: number;
  /** e.g. "http://localhost:4101". */
  url: string;
}

/**
 * Where `npm run sandboxes` (adapters/sandboxes/main.ts) puts every registry sandbox given `env`
 * (each one's port variable, else its default port), and the variables that point the registry's
 * `{"$env"}` options at them: what `npm start` and the benchmarks hand the hub. Never names a
 * biller: a new registry entry with a sandbox is picked up as it is. Throws as registrySandboxes.
 */
export async function localSandboxes(
  registryFile = DEFAULT_REGISTRY_FILE,
  env: NodeJS.ProcessEnv = process.env,
  host = 'localhost',
): Promise<{ sandboxes: LocalSandbox[]; env: Record<string, string> }> {
  const sandboxes = (await registrySandboxes(registryFile)).map((found) => {
    const port = sandboxPort(found.sandbox, env);
    return { ...found, port, url: `http://${host}:${port}` };
  });
  return { sandboxes, env: registrySandboxEnv(sandboxes, (found) => (found as LocalSandbox).url) };
}

/**
 * The variable that sizes every sandbox's books (`npm run sandboxes` reads it): `consumers` per
 * biller, checked as shared/population.ts says (throws RangeError out of bounds).
 */
export function sandboxPopulationEnv(consumers: number): Record<string, string> {
  return { SANDBOX_CONSUMERS: String(checkedConsumerCount(consumers, 'sandbox consumers')) };
}
