/**
 * Runs the sandbox of every enabled biller in the registry (`npm run sandboxes`, and inside
 * `npm start`): each on its `defaultPort` unless its `portEnv` says otherwise (e.g. electricity on
 * 4101, ELECTRICITY_SANDBOX_PORT). BILLERS_FILE picks the registry (default adapters/billers.json).
 * SANDBOX_CONSUMERS sets how many consumers each biller has (default 200, 10-200,000; see
 * shared/population.ts): benchmarks that pay every bill once ask for more.
 */
import { resolve } from 'node:path';
import { loadConfig } from '../../infra/config.js';
import { billerSandboxesEnvSchema } from './config.js';
import { DEFAULT_REGISTRY_FILE } from './registry-sandboxes.js';
import { sandboxPort, startRegistrySandboxes } from './running-sandboxes.js';

// Loopback unless told otherwise (compose sets 0.0.0.0 inside its containers).
const { SANDBOX_HOST: host, SANDBOX_CONSUMERS: consumers } = loadConfig(billerSandboxesEnvSchema);
const registryFile = process.env.BILLERS_FILE ? resolve(process.env.BILLERS_FILE) : DEFAULT_REGISTRY_FILE;
const sandboxes = await startRegistrySandboxes({
  registryFile,
  consumers,
  host,
  urlHost: 'localhost',
  port: (sandbox) => sandboxPort(sandbox),
}).catch((error: Error) => {
  // A port taken or given twice is the user's to fix: say which sandbox and variable, no stack.
  console.error(`sandboxes: ${error.message}`);
  process.exit(1);
});
for (const { sandbox, url } of sandboxes.running) {
  console.log(JSON.stringify({ msg: `${sandbox.name} sandbox listening`, url, consumers }));
}

const stop = () => {
  void sandboxes.close().finally(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
