import type { BillerSandbox } from '../shared/biller-sandbox.js';

/**
 * A sandbox described by a file alone (`adapters/<folder>/sandbox.yaml`), served by one generic
 * engine. Throws an Error naming each bad field of the file.
 */
export function loadDeclaredSandbox(file: string): BillerSandbox {
  throw new Error(`declared sandboxes are not built yet (${file})`);
}
