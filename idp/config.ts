import { z } from 'zod';
import { baseEnvSchema, env, loadConfig } from '../infra/config.js';

export const idpEnvSchema = baseEnvSchema.extend({
  IDP_PORT: env.port(4000),
  IDP_MONGODB_DB: z.string().min(1).default('idp'),
  TRUST_PROXY: z.stringbool().default(false),
});
export type IdpConfig = z.infer<typeof idpEnvSchema>;

export const loadIdpConfig = (environment = process.env) => loadConfig(idpEnvSchema, environment);
