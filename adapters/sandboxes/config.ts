import { z } from 'zod';
import { DEFAULT_SANDBOX_CONSUMERS, MAX_SANDBOX_CONSUMERS, MIN_SANDBOX_CONSUMERS } from './shared/population.js';

/**
 * The variable every sandbox process reads (the biller sandboxes of `npm run sandboxes`, the
 * sandbox wallet, the sandbox gateway): the address it listens on.
 */
export const sandboxHostEnvSchema = z.object({
  SANDBOX_HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe(
      'The address the sandboxes listen on: loopback by default; 0.0.0.0 to reach them from other machines (compose does, inside its containers).',
    ),
});

/**
 * The variables of `npm run sandboxes` besides each biller sandbox's own port variable (its
 * `BillerSandbox.portEnv`, found through the registry): the host, and the size of every book.
 */
export const billerSandboxesEnvSchema = sandboxHostEnvSchema.extend({
  SANDBOX_CONSUMERS: z.coerce
    .number()
    .int()
    .min(MIN_SANDBOX_CONSUMERS)
    .max(MAX_SANDBOX_CONSUMERS)
    .default(DEFAULT_SANDBOX_CONSUMERS)
    .describe(
      `Consumers per sandbox biller (${MIN_SANDBOX_CONSUMERS} to ${MAX_SANDBOX_CONSUMERS}); a larger book keeps the first ${DEFAULT_SANDBOX_CONSUMERS} and the test fixtures (bench:hub and chaos size it themselves).`,
    ),
});
