import { z } from 'zod';
import { baseEnvSchema, env, loadConfig, proxyEnvSchema } from '../infra/config.js';
import { notifierEnvSchema, refineNotifierConfig } from '../infra/notifier/index.js';
import { autopayEnvSchema } from './autopay/options.js';
import { complaintEnvSchema } from './complaints/options.js';
import { notificationEnvSchema } from './notifications/options.js';
import { type SettlementOptions, settlementOptions, settlementOptionsSchema } from './settlement/options.js';

const option = settlementOptionsSchema.shape;
/** An optional numeric variable checked against its option's own bounds (defaults stay in options.ts). */
const numberFor = (schema: z.ZodNumber) => z.coerce.number().pipe(schema).optional();

/** The work queue's variables and the option each one sets; all optional. */
const SETTLEMENT_ENV = {
  SETTLEMENT_QUEUE_PREFIX: ['prefix', option.prefix.unwrap().optional()],
  SETTLEMENT_ATTEMPTS: ['attempts', numberFor(option.attempts.unwrap())],
  SETTLEMENT_BACKOFF_MS: ['backoffMs', numberFor(option.backoffMs.unwrap())],
  SETTLEMENT_POLL_DELAY_MS: ['pollDelayMs', numberFor(option.pollDelayMs.unwrap())],
  SETTLEMENT_MAX_POLLS: ['maxPolls', numberFor(option.maxPolls.unwrap())],
  SETTLEMENT_CONCURRENCY: ['concurrency', numberFor(option.concurrency.unwrap())],
  SETTLEMENT_LOCK_MS: ['lockDurationMs', numberFor(option.lockDurationMs.unwrap())],
  SETTLEMENT_STALLED_CHECK_MS: ['stalledIntervalMs', numberFor(option.stalledIntervalMs.unwrap())],
  SETTLEMENT_SWEEP_EVERY_MS: ['sweepEveryMs', numberFor(option.sweepEveryMs.unwrap())],
  SETTLEMENT_SWEEP_OLDER_THAN_MS: ['sweepOlderThanMs', numberFor(option.sweepOlderThanMs.unwrap())],
  SETTLEMENT_ENQUIRY_DELAY_MS: ['enquiryDelayMs', numberFor(option.enquiryDelayMs.unwrap())],
  SETTLEMENT_ENQUIRY_MAX_DELAY_MS: ['enquiryMaxDelayMs', numberFor(option.enquiryMaxDelayMs.unwrap())],
  SETTLEMENT_ENQUIRY_GIVE_UP_MS: ['enquiryGiveUpMs', numberFor(option.enquiryGiveUpMs.unwrap())],
  SETTLEMENT_ENQUIRY_EVERY_MS: ['enquiryEveryMs', numberFor(option.enquiryEveryMs.unwrap())],
  EXPIRE_EVERY_MS: ['expireEveryMs', numberFor(option.expireEveryMs.unwrap())],
  RECONCILE_ORDERS_EVERY_MS: ['reconcileOrdersEveryMs', numberFor(option.reconcileOrdersEveryMs.unwrap())],
  RECONCILE_PATTERN: ['reconcilePattern', option.reconcilePattern.unwrap().optional()],
  REMIND_PATTERN: ['remindPattern', option.remindPattern.unwrap().optional()],
} as const;

type SettlementEnvName = keyof typeof SETTLEMENT_ENV;
const settlementEnvShape = Object.fromEntries(
  Object.entries(SETTLEMENT_ENV).map(([name, [, schema]]) => [name, schema]),
) as { [K in SettlementEnvName]: (typeof SETTLEMENT_ENV)[K][1] };

/*
 * ---- Citizen portal (hub/portal/) ----
 * The portal is the hub's backend-for-frontend: an OpenID Connect client of the idp with a
 * server-side session in Redis. Every variable is optional; without HUB_OIDC_CLIENT_SECRET the
 * pages render but signing in answers "not set up". See hub/portal/README.md.
 */
const PORTAL_ENV = {
  /** The portal's public base URL (redirect URIs, cookies' Secure flag); HUB_PUBLIC_URL, else the hub's own URL, by default. */
  PORTAL_PUBLIC_URL: env.url().optional(),
  /** The portal's client at the idp, and its secret (idp/clients.example.json names HUB_OIDC_CLIENT_SECRET). */
  HUB_OIDC_CLIENT_ID: z.string().min(1).default('hub-portal'),
  HUB_OIDC_CLIENT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Where the portal reaches the idp from the server, when not at IDP_ISSUER (e.g. http://idp:4000 in compose). */
  PORTAL_IDP_INTERNAL_URL: env.url().optional(),
  /** The hub API the portal calls; `<portal URL>/api/v1` by default. */
  PORTAL_API_URL: env.url().optional(),
  /** Milliseconds the portal waits for one call to the idp or the hub API. */
  PORTAL_HTTP_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** A session ends after this many seconds without a request (idle), and this long after sign-in (absolute). */
  PORTAL_SESSION_IDLE_SECONDS: z.coerce.number().int().min(60).default(1_800),
  PORTAL_SESSION_ABSOLUTE_SECONDS: z.coerce.number().int().min(300).default(43_200),
  /**
   * Origins the Pay and Sign out buttons may lead to (CSP form-action follows their redirects),
   * comma-separated; the idp and GATEWAY_BASE_URL are always included.
   */
  PORTAL_FORM_ACTION_ORIGINS: env.commaList().pipe(z.array(env.url())),
} as const;
// ---- end of the portal's block ----

// --- Receipts (issue 9): where their QR codes point, the keys that sign them, the PDF's font ---
/** The receipt settings; hub/receipts/receipt-tokens.ts and receipt-font.ts read them. */
export const receiptEnvSchema = z.object({
  /**
   * The hub's public URL (https://billpay.example.in): a receipt's QR code points at
   * <HUB_PUBLIC_URL>/verify?t=...; http://localhost:<HUB_PORT> when unset.
   */
  HUB_PUBLIC_URL: env.url().optional(),
  /**
   * Comma-separated HMAC keys of at least 32 characters: the first signs receipts' verification
   * tokens, every one verifies (rotation). Required in production; elsewhere a process without it
   * signs with a random key of its own (its QR codes stop verifying when it restarts).
   */
  RECEIPT_SIGNING_KEYS: env.commaList().pipe(z.array(z.string().min(32, 'each key needs at least 32 characters'))),
  /** A TrueType font with the rupee sign for receipt PDFs; DejaVu Sans (fonts-dejavu-core) when unset. */
  RECEIPT_FONT_FILE: z.string().min(1).optional(),
});

/** Production must sign receipts with keys that outlive a process and are shared by every replica. */
function refineReceiptConfig(config: { NODE_ENV: string; RECEIPT_SIGNING_KEYS: string[] }, ctx: z.RefinementCtx) {
  if (config.NODE_ENV === 'production' && config.RECEIPT_SIGNING_KEYS.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['RECEIPT_SIGNING_KEYS'], message: 'is required in production' });
  }
}
// --- end of receipts ---

export const hubEnvSchema = baseEnvSchema
  .extend({
    HUB_PORT: env.port(3000),
    HUB_MONGODB_DB: z.string().min(1).default('hub'),
    WORKER_PORT: env.port(3001),
    ...proxyEnvSchema.shape,
    /** The idp whose access tokens the API accepts (their `iss`). */
    IDP_ISSUER: env.url().default('http://localhost:4000'),
    /** Where the idp publishes its signing keys; the idp's /jwks by default. */
    IDP_JWKS_URL: env.url().optional(),
    /** The API's resource indicator: the audience its access tokens must carry. */
    HUB_API_RESOURCE: env.url().default('http://localhost:3000/api'),
    /** How long a fetched bill is reused before asking the biller again. */
    BILL_CACHE_SECONDS: z.coerce.number().int().min(0).default(60),
    /** How long one computation of the DB-derived billpay_ gauges serves /metrics scrapes (hub/metrics). */
    METRICS_CACHE_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
    /** How long the dues view waits for any one biller. */
    BILLER_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
    /** The payment gateway (the sandbox gateway's API locally). */
    GATEWAY_BASE_URL: env.url().default('http://localhost:4110'),
    GATEWAY_API_KEY: z.string().min(16),
    /** The secret the gateway signs its webhooks with. */
    GATEWAY_WEBHOOK_SECRET: z.string().min(16),
    /** The mobile wallet that verifies transfers paid elsewhere (the sandbox wallet locally); see hub/wallet. */
    WALLET_URL: env.url().default('http://localhost:4120'),
    /** The wallet API's key; without it, demands cannot be settled by a wallet transfer. */
    WALLET_API_KEY: z.string().min(1).optional(),
    /** The hub's merchant wallet: a transfer to any other payee settles nothing. */
    WALLET_PAYEE: z.string().min(1).default('CITIZENBILLPAY'),
    /** Milliseconds one verify call to the wallet may take (per attempt); then the outcome is unknown. */
    WALLET_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(5_000),
    /** Where the gateway sends the citizen back after paying. */
    CHECKOUT_RETURN_URL: env.url().default('http://localhost:3000/checkout/return'),
    /** A checkout not paid within this many minutes expires. */
    CHECKOUT_TTL_MINUTES: z.coerce.number().int().positive().default(30),
    /**
     * Browser origins allowed to call /api/v1 cross-origin, comma-separated exact origins
     * (`https://portal.example.in`); empty (the default) allows none. See infra/http/cors.ts.
     */
    HUB_CORS_ORIGINS: env
      .commaList()
      .pipe(
        z.array(
          env
            .url()
            .refine(
              (origin) => URL.canParse(origin) && new URL(origin).origin === origin,
              'must be an origin: scheme://host[:port]',
            ),
        ),
      ),
    /** The billers the hub offers, each bound to an adapter (see adapters/README.md). */
    BILLERS_FILE: z.string().min(1).default('adapters/billers.json'),
  })
  .extend(settlementEnvShape)
  .extend(PORTAL_ENV)
  .extend(notifierEnvSchema.shape)
  .extend(notificationEnvSchema.shape)
  .extend(receiptEnvSchema.shape)
  .extend(autopayEnvSchema.shape)
  .extend(complaintEnvSchema.shape)
  .superRefine(refineNotifierConfig)
  .superRefine(refineReceiptConfig);
export type HubConfig = z.infer<typeof hubEnvSchema>;

export const loadHubConfig = (environment = process.env) => loadConfig(hubEnvSchema, environment);

/**
 * The work queue's options from the hub's config: the variables set, defaults (options.ts) for
 * the rest. The API process builds its queue with the same options as the worker, since attempts
 * and backoff travel with each job.
 */
export function settlementOptionsOf(config: Pick<HubConfig, SettlementEnvName>): SettlementOptions {
  const input: Record<string, unknown> = {};
  for (const [name, [key]] of Object.entries(SETTLEMENT_ENV)) {
    const value = config[name as SettlementEnvName];
    if (value !== undefined) input[key] = value;
  }
  return settlementOptions(input);
}
