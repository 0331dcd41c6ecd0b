import type { z } from 'zod';
import { staffPortalEnvSchema } from '../hub/portal/staff/config.js';
import { loadConfig } from '../infra/config.js';

/**
 * The operator console's environment (operator-console/README.md): the staff portals' variables
 * (hub/portal/staff/config.ts) under OPERATOR_CONSOLE_ (the idp client's under OPERATOR_: it
 * signs operators in as `operator-console`). Operators' sessions end sooner than a provider's:
 * 15 minutes without a request, 8 hours at most.
 */
export const operatorConsoleEnvSchema = staffPortalEnvSchema('OPERATOR_CONSOLE', 'OPERATOR', {
  port: 5100,
  clientId: 'operator-console',
  idleSeconds: 15 * 60,
  absoluteSeconds: 8 * 3600,
});
export type OperatorConsoleConfig = z.infer<typeof operatorConsoleEnvSchema>;

/** Reads and checks the environment; throws ConfigError naming every bad variable. */
export const loadOperatorConsoleConfig = (environment: Record<string, string | undefined> = process.env) =>
  loadConfig(operatorConsoleEnvSchema, environment);
