import { z } from 'zod';
import { baseEnvSchema, env, loadConfig } from '../infra/config.js';
import { notifierEnvSchema, refineNotifierConfig } from '../infra/notifier/index.js';
import { settlementEnvSchema } from './settlement/settlement-env.js';

export const hubEnvSchema = baseEnvSchema
  .extend({
    HUB_PORT: env.port(3000),
    HUB_MONGODB_DB: z.string().min(1).default('hub'),
    WORKER_PORT: env.port(3001),
    TRUST_PROXY: z.stringbool().default(false),
    /** The idp whose access tokens the API accepts (their `iss`). */
    IDP_ISSUER: env.url().default('http://localhost:4000'),
    /** Where the idp publishes its signing keys; the idp's /jwks by default. */
    IDP_JWKS_URL: env.url().optional(),
    /** The API's resource indicator: the audience its access tokens must carry. */
    HUB_API_RESOURCE: env.url().default('http://localhost:3000/api'),
    /** How long a fetched bill is reused before asking the biller again. */
    BILL_CACHE_SECONDS: z.coerce.number().int().min(0).default(60),
    /** How long the dues view waits for any one biller. */
    BILLER_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
    /** The payment gateway (the sandbox gateway's API locally). */
    GATEWAY_BASE_URL: env.url().default('http://localhost:4110'),
    GATEWAY_API_KEY: z.string().min(16),
    /** The secret the gateway signs its webhooks with. */
    GATEWAY_WEBHOOK_SECRET: z.string().min(16),
    /** Where the gateway sends the citizen back after paying. */
    CHECKOUT_RETURN_URL: env.url().default('http://localhost:3000/checkout/return'),
    /** A checkout not paid within this many minutes expires. */
    CHECKOUT_TTL_MINUTES: z.coerce.number().int().positive().default(30),
    /** The billers the hub offers, each bound to an adapter (see adapters/README.md). */
    BILLERS_FILE: z.string().min(1).default('adapters/billers.json'),
  })
  .extend(settlementEnvSchema.shape)
  .extend(notifierEnvSchema.shape)
  .superRefine(refineNotifierConfig);
export type HubConfig = z.infer<typeof hubEnvSchema>;

export const loadHubConfig = (environment = process.env) => loadConfig(hubEnvSchema, environment);
