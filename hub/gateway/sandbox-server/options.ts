import { z } from 'zod';
import { sandboxHostEnvSchema } from '../../../adapters/sandboxes/config.js';
import { env } from '../../../infra/config.js';

export const SANDBOX_GATEWAY_PORT = 4110;

/** What `npm start` can run the sandbox with and give the hub's gateway client: not secrets, sandbox values. */
export const defaultSandboxGatewayCredentials = Object.freeze({
  apiKey: 'sandbox-gateway-key-0001',
  webhookSecret: 'sandbox-gateway-webhook-secret-0001',
});

const httpUrl = () => z.url({ protocol: /^https?$/ });

/** Every option with its default, validated once when the app is made. */
export const sandboxGatewayOptionsSchema = z.object({
  /** Callers of /v1 send it as `Authorization: Bearer <apiKey>`. */
  apiKey: z.string().min(1),
  /** Several secrets sign each webhook with each of them (one v1 per secret), as during a rotation. */
  webhookSecret: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** Where events are POSTed; without it they are only recorded (and can be replayed later). */
  webhookUrl: httpUrl().optional(),
  /** The origin citizens' browsers reach the sandbox at, for checkout URLs. */
  publicUrl: httpUrl(),
  /** How long a `pending` outcome stays pending before it is captured. */
  pendingDelayMs: z.number().int().nonnegative().max(600_000).default(2_000),
  /** Per delivery attempt. */
  webhookTimeoutMs: z.number().int().positive().max(60_000).default(2_000),
  /** Attempts per event, the first included. */
  webhookAttempts: z.number().int().positive().max(20).default(5),
  /** Wait before the second attempt; doubled for each next one, up to 30 s. */
  webhookBackoffMs: z.number().int().nonnegative().max(60_000).default(250),
  /** How long a refund's Idempotency-Key is remembered; a repeat after that is a new refund. */
  refundKeyTtlMs: z
    .number()
    .int()
    .positive()
    .default(24 * 3_600_000),
  /** The sandbox's clock in milliseconds since the epoch (order expiry, refund keys): tests move it. */
  now: z.custom<() => number>((value) => typeof value === 'function', 'must be a function').default(() => Date.now),
});

export type SandboxGatewayOptions = z.input<typeof sandboxGatewayOptionsSchema>;
export type SandboxGatewayConfig = z.output<typeof sandboxGatewayOptionsSchema>;

export function sandboxGatewayConfig(options: SandboxGatewayOptions): SandboxGatewayConfig {
  const parsed = sandboxGatewayOptionsSchema.safeParse(options);
  if (!parsed.success) {
    // Paths and messages only: zod does not echo values, so no key or secret reaches the message.
    const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`sandbox gateway options: ${why}`);
  }
  return { ...parsed.data, publicUrl: parsed.data.publicUrl.replace(/\/+$/, '') };
}

/**
 * The sandbox gateway program's variables (main.ts, `npm start`): where it listens and the options
 * it runs with. The hub reads GATEWAY_API_KEY and GATEWAY_WEBHOOK_SECRET too; `npm start` gives
 * both the defaults below.
 */
export const sandboxGatewayEnvSchema = sandboxHostEnvSchema.extend({
  GATEWAY_SANDBOX_PORT: env.port(SANDBOX_GATEWAY_PORT).describe('The port the sandbox gateway listens on.'),
  GATEWAY_API_KEY: z
    .string()
    .min(1)
    .default(defaultSandboxGatewayCredentials.apiKey)
    .describe("The key callers of the sandbox gateway's /v1 send (Authorization: Bearer)."),
  GATEWAY_WEBHOOK_SECRET: z
    .string()
    .min(1)
    .default(defaultSandboxGatewayCredentials.webhookSecret)
    .describe('The secret the sandbox gateway signs its webhooks with.'),
  GATEWAY_WEBHOOK_URL: httpUrl()
    .optional()
    .describe(
      "Where the sandbox gateway delivers signed webhooks (the hub's /api/v1/gateway/webhooks; npm start sets it). Unset: events are only recorded.",
    ),
  GATEWAY_PUBLIC_URL: httpUrl()
    .optional()
    .describe(
      "The origin citizens' browsers reach the sandbox gateway at, for checkout URLs. Empty: http://localhost:<GATEWAY_SANDBOX_PORT>.",
    ),
  GATEWAY_REFUND_KEY_TTL_MS: env
    .numberOption(sandboxGatewayOptionsSchema.shape.refundKeyTtlMs)
    .describe(
      "How long the sandbox gateway remembers a refund's Idempotency-Key (ms; 24 h, like real gateways); the hub's client also looks refunds up by their reference, so a refund retried later is still made once.",
    ),
});
export type SandboxGatewayEnv = z.infer<typeof sandboxGatewayEnvSchema>;
