import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { baseEnvSchema, env, loadConfig, proxyEnvSchema } from '../infra/config.js';
import { notifierEnvSchema, refineNotifierConfig } from '../infra/notifier/index.js';
import { autopayEnvSchema } from './autopay/options.js';
import { complaintEnvSchema } from './complaints/options.js';
import { notificationEnvSchema } from './notifications/options.js';
import { type SettlementOptions, settlementOptions, settlementOptionsSchema } from './settlement/options.js';

const option = settlementOptionsSchema.shape;
/** A work-queue option's variable: its bounds, default and description are the option's (options.ts). */
const numberFor = env.numberOption;

/** The work queue's variables and the option each one sets; all optional. */
const SETTLEMENT_ENV = {
  SETTLEMENT_QUEUE_PREFIX: ['prefix', option.prefix],
  SETTLEMENT_ATTEMPTS: ['attempts', numberFor(option.attempts)],
  SETTLEMENT_BACKOFF_MS: ['backoffMs', numberFor(option.backoffMs)],
  SETTLEMENT_POLL_DELAY_MS: ['pollDelayMs', numberFor(option.pollDelayMs)],
  SETTLEMENT_MAX_POLLS: ['maxPolls', numberFor(option.maxPolls)],
  SETTLEMENT_CONCURRENCY: ['concurrency', numberFor(option.concurrency)],
  SETTLEMENT_LOCK_MS: ['lockDurationMs', numberFor(option.lockDurationMs)],
  SETTLEMENT_STALLED_CHECK_MS: ['stalledIntervalMs', numberFor(option.stalledIntervalMs)],
  SETTLEMENT_SWEEP_EVERY_MS: ['sweepEveryMs', numberFor(option.sweepEveryMs)],
  SETTLEMENT_SWEEP_OLDER_THAN_MS: ['sweepOlderThanMs', numberFor(option.sweepOlderThanMs)],
  SETTLEMENT_ENQUIRY_DELAY_MS: ['enquiryDelayMs', numberFor(option.enquiryDelayMs)],
  SETTLEMENT_ENQUIRY_MAX_DELAY_MS: ['enquiryMaxDelayMs', numberFor(option.enquiryMaxDelayMs)],
  SETTLEMENT_ENQUIRY_GIVE_UP_MS: ['enquiryGiveUpMs', numberFor(option.enquiryGiveUpMs)],
  SETTLEMENT_ENQUIRY_EVERY_MS: ['enquiryEveryMs', numberFor(option.enquiryEveryMs)],
  EXPIRE_EVERY_MS: ['expireEveryMs', numberFor(option.expireEveryMs)],
  RECONCILE_ORDERS_EVERY_MS: ['reconcileOrdersEveryMs', numberFor(option.reconcileOrdersEveryMs)],
  RECONCILE_PATTERN: ['reconcilePattern', option.reconcilePattern],
  REMIND_PATTERN: ['remindPattern', option.remindPattern],
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
  PORTAL_PUBLIC_URL: env
    .url()
    .optional()
    .describe(
      "The citizen portal's public base URL: redirect URIs registered at the idp, and Secure cookies when https (then also TRUST_PROXY=true behind a TLS proxy). Empty: HUB_PUBLIC_URL, else http://localhost:<HUB_PORT>.",
    ),
  HUB_OIDC_CLIENT_ID: z
    .string()
    .min(1)
    .default('hub-portal')
    .describe(
      "The citizen portal's client at the idp (idp/clients.example.json); its secret is HUB_OIDC_CLIENT_SECRET.",
    ),
  HUB_OIDC_CLIENT_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .describe(
      "The citizen portal's client secret at the idp (32+ characters; npm start generates it). Without it the pages show but sign-in says it is not set up.",
    ),
  PORTAL_IDP_INTERNAL_URL: env
    .url()
    .optional()
    .describe(
      "Where the portal's server reaches the idp when not at IDP_ISSUER (compose: http://idp:4000). Empty: IDP_ISSUER.",
    ),
  PORTAL_API_URL: env
    .url()
    .optional()
    .describe('The hub API the portal calls over HTTP. Empty: <PORTAL_PUBLIC_URL>/api/v1.'),
  PORTAL_HTTP_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('Milliseconds the portal waits for one call to the idp or the hub API.'),
  PORTAL_SESSION_IDLE_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(1_800)
    .describe('A portal session ends after this many seconds without a request.'),
  PORTAL_SESSION_ABSOLUTE_SECONDS: z.coerce
    .number()
    .int()
    .min(300)
    .default(43_200)
    .describe('A portal session ends this many seconds after sign-in, however busy.'),
  PORTAL_FORM_ACTION_ORIGINS: env
    .commaList()
    .pipe(z.array(env.url()))
    .describe(
      'Extra origins the Pay and Sign out buttons may lead to (CSP form-action follows their redirects), comma-separated; the idp (IDP_ISSUER) and the gateway (GATEWAY_BASE_URL) are always allowed.',
    ),
} as const;
// ---- end of the portal's block ----

// --- Receipts (issue 9): where their QR codes point, the keys that sign them, the PDF's font ---
/** The receipt settings; hub/receipts/receipt-tokens.ts and receipt-font.ts read them. */
export const receiptEnvSchema = z.object({
  HUB_PUBLIC_URL: env
    .url()
    .optional()
    .describe(
      "The hub's public URL (https://billpay.example.in): a receipt's QR code points at <HUB_PUBLIC_URL>/verify?t=...; http://localhost:<HUB_PORT> when unset.",
    ),
  RECEIPT_SIGNING_KEYS: env
    .commaList()
    .pipe(z.array(z.string().min(32, 'each key needs at least 32 characters')))
    .describe(
      "Comma-separated HMAC keys of at least 32 characters (openssl rand -base64 32): the first signs receipts' verification tokens (HS256), every one verifies (rotation). Required in production; elsewhere a process without it signs with a random key of its own (a hub cluster's workers share one; its QR codes stop verifying when it restarts). npm start generates a development value into data/dev-secrets.json.",
    ),
  RECEIPT_FONT_FILE: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A TrueType font with the rupee sign for receipt PDFs; DejaVu Sans (Debian fonts-dejavu-core) when unset.',
    ),
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
    HUB_PORT: env.port(3000).describe('The port the hub (API and citizen portal) listens on.'),
    HUB_PROCESSES: env
      .processes()
      .describe(
        'Hub API processes behind HUB_PORT (Node cluster: a primary and this many workers; sessions, bill cache, locks and queue are in Redis and MongoDB). Unset: one per CPU Node sees (os.availableParallelism()); 1 = a single process, no cluster. The settlement worker ignores it (scale it with more worker processes).',
      ),
    HUB_MONGODB_DB: z
      .string()
      .min(1)
      .default('hub')
      .describe("The hub's database on MONGODB_URI (the API and the worker)."),
    WORKER_PORT: env.port(3001).describe("The worker process's health, readiness and metrics port."),
    ...proxyEnvSchema.shape,
    IDP_ISSUER: env
      .url()
      .default('http://localhost:4000')
      .describe(
        'The idp whose access tokens the API accepts (their `iss`), and where the citizen portal signs citizens in.',
      ),
    IDP_JWKS_URL: env.url().optional().describe('Where the idp publishes its signing keys. Empty: <IDP_ISSUER>/jwks.'),
    HUB_API_RESOURCE: env
      .url()
      .default('http://localhost:3000/api')
      .describe("The API's resource indicator: the audience its access tokens must carry."),
    BILL_CACHE_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .default(60)
      .describe('Seconds a fetched bill is reused before asking the biller again.'),
    METRICS_CACHE_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(300)
      .default(10)
      .describe(
        "Seconds one computation of the payment metrics (billpay_ gauges on the hub's /metrics) serves scrapes.",
      ),
    BILLER_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .positive()
      .default(3_000)
      .describe('Milliseconds the dues view waits for any one biller.'),
    GATEWAY_BASE_URL: env
      .url()
      .default('http://localhost:4110')
      .describe('The payment gateway; npm start runs the sandbox gateway on 4110 with matching credentials.'),
    GATEWAY_API_KEY: z
      .string()
      .min(16)
      .describe("Required by the hub (16+ characters): the gateway API's key. npm start uses the sandbox gateway's."),
    GATEWAY_WEBHOOK_SECRET: z
      .string()
      .min(16)
      .describe(
        "Required by the hub (16+ characters): the secret the gateway signs its webhooks with. npm start uses the sandbox gateway's.",
      ),
    WALLET_URL: env
      .url()
      .default('http://localhost:4120')
      .describe(
        'A mobile wallet that verifies transfers a payer made elsewhere to settle a demand (hub/wallet); npm start runs the sandbox wallet on 4120.',
      ),
    WALLET_API_KEY: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The wallet API's key; without it the hub offers no wallet settlement. npm start uses the sandbox wallet's.",
      ),
    WALLET_PAYEE: z
      .string()
      .min(1)
      .default('CITIZENBILLPAY')
      .describe("The hub's merchant wallet: a transfer to any other payee settles nothing."),
    WALLET_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .positive()
      .max(60_000)
      .default(5_000)
      .describe(
        'Milliseconds one verify call to the wallet may take (per attempt); a slower one is an unknown outcome, asked again later.',
      ),
    CHECKOUT_RETURN_URL: env
      .url()
      .default('http://localhost:3000/checkout/return')
      .describe('Where the gateway sends the citizen back after paying.'),
    CHECKOUT_TTL_MINUTES: z.coerce
      .number()
      .int()
      .positive()
      .default(30)
      .describe('A checkout not paid within this many minutes expires.'),
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
      )
      .describe(
        'Browser origins allowed to call /api/v1 cross-origin, comma-separated exact origins (https://portal.example.in,https://partner.example.in). Empty: no cross-origin browser access (infra/http/cors.ts).',
      ),
    BILLERS_FILE: z
      .string()
      .min(1)
      .default('adapters/billers.json')
      .describe(
        'The registry of billers the hub offers, each bound to an adapter or a declaration (see adapters/README.md).',
      ),
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

/** How many hub API processes to run: HUB_PROCESSES, else one per CPU this process may use. */
export const hubProcessCount = (config: Pick<HubConfig, 'HUB_PROCESSES'>): number =>
  config.HUB_PROCESSES ?? availableParallelism();

/**
 * The work queue's options from the hub's config (each variable, else its option's default from
 * options.ts). The API process builds its queue with the same options as the worker, since attempts
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
