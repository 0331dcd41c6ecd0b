import { z } from 'zod';
import { baseEnvSchema, env, loadConfig } from '../infra/config.js';

export const hubEnvSchema = baseEnvSchema.extend({
  HUB_PORT: env.port(3000),
  HUB_MONGODB_DB: z.string().min(1).default('hub'),
  WORKER_PORT: env.port(3001),
  TRUST_PROXY: z.stringbool().default(false),
  /** The billers the hub offers, each bound to an adapter (see adapters/README.md). */
  BILLERS_FILE: z.string().min(1).default('adapters/billers.json'),
});
export type HubConfig = z.infer<typeof hubEnvSchema>;

export const loadHubConfig = (environment = process.env) => loadConfig(hubEnvSchema, environment);
