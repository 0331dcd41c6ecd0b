import { z } from 'zod';
import { sandboxHostEnvSchema } from '../config.js';

export const SANDBOX_WALLET_PORT = 4120;

/** What `npm start` gives both the sandbox wallet and the hub's client: sandbox values, not secrets. */
export const defaultSandboxWalletCredentials = Object.freeze({
  apiKey: 'sandbox-wallet-key-0001',
  /** The merchant wallet the hub collects into: transfers seeded without a payee go to it. */
  merchant: 'CITIZENBILLPAY',
});

/** Every option with its default, validated once when the app is made. */
export const sandboxWalletOptionsSchema = z.object({
  /** Callers of /v1 send it as `Authorization: Bearer <apiKey>`. */
  apiKey: z.string().min(1),
  /** The payee of transfers seeded without one. */
  defaultPayee: z.string().min(1).default(defaultSandboxWalletCredentials.merchant),
});

export type SandboxWalletOptions = z.input<typeof sandboxWalletOptionsSchema>;
export type SandboxWalletConfig = z.output<typeof sandboxWalletOptionsSchema>;

/** The options with defaults; throws naming each bad option (never its value). */
export function sandboxWalletConfig(options: SandboxWalletOptions): SandboxWalletConfig {
  const parsed = sandboxWalletOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`sandbox wallet options: ${why}`);
  }
  return parsed.data;
}

/**
 * The sandbox wallet's variables (main.ts, `npm start`): where it listens, and the key and
 * merchant wallet it shares with the hub (the hub reads WALLET_API_KEY and WALLET_PAYEE too).
 */
export const sandboxWalletEnvSchema = sandboxHostEnvSchema.extend({
  WALLET_SANDBOX_PORT: z.coerce
    .number()
    .int()
    .min(1)
    .max(65535)
    .default(SANDBOX_WALLET_PORT)
    .describe('The port the sandbox wallet listens on; it holds transfers seeded by POST /__sandbox/transfers.'),
  WALLET_API_KEY: z
    .string()
    .min(1)
    .default(defaultSandboxWalletCredentials.apiKey)
    .describe("The key callers of the sandbox wallet's /v1 send (Authorization: Bearer)."),
  WALLET_PAYEE: z
    .string()
    .min(1)
    .default(defaultSandboxWalletCredentials.merchant)
    .describe('The payee of transfers seeded without one.'),
});
export type SandboxWalletEnv = z.infer<typeof sandboxWalletEnvSchema>;
