import { z } from 'zod';

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
