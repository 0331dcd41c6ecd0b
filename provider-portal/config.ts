import type { z } from 'zod';
import { staffPortalEnvSchema } from '../hub/portal/staff/config.js';
import { env, loadConfig } from '../infra/config.js';

/**
 * The provider portal's environment (provider-portal/README.md): the staff portals' variables
 * (hub/portal/staff/config.ts) under PROVIDER_PORTAL_ (the idp client's under PARTNER_: it signs
 * members in as `partner-portal`), plus the citizen portal's address.
 */
export const providerPortalEnvSchema = staffPortalEnvSchema('PROVIDER_PORTAL', 'PARTNER', {
  port: 5000,
  clientId: 'partner-portal',
  idleSeconds: 30 * 60,
  absoluteSeconds: 12 * 3600,
}).extend({
  PROVIDER_PORTAL_CITIZEN_PORTAL_URL: env
    .url()
    .default('http://localhost:3000')
    .describe("The citizen portal (the hub's), linked for a person who is not a member, to pay their own bills."),
});
export type ProviderPortalConfig = z.infer<typeof providerPortalEnvSchema>;

/** Reads and checks the environment; throws ConfigError naming every bad variable. */
export const loadProviderPortalConfig = (environment: Record<string, string | undefined> = process.env) =>
  loadConfig(providerPortalEnvSchema, environment);
