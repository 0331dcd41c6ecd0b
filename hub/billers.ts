import { type BillerRegistry, loadBillerRegistry, RegistryError } from '../adapters/registry/index.js';
import { ConfigError } from '../infra/config.js';
import type { Logger } from '../infra/logger.js';

/**
 * The hub's billers, loaded and checked once at start-up: a bad entry stops the process with
 * a message naming the entry, like any other configuration error. `services` reach first-party
 * adapters in-process (`demands`: the payment-demands biller's port, hub/demands/demand-biller-port.ts).
 */
export async function loadBillers(
  file: string,
  log: Logger,
  env = process.env,
  services: Readonly<Record<string, unknown>> = {},
): Promise<BillerRegistry> {
  try {
    const registry = await loadBillerRegistry(file, { env, log, services });
    log.info({ billers: registry.list().map((biller) => biller.id) }, 'billers loaded');
    return registry;
  } catch (error) {
    if (error instanceof RegistryError) throw new ConfigError(error.problems.map((p) => `BILLERS_FILE ${file}: ${p}`));
    throw error;
  }
}
