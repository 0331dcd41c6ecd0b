import { z } from 'zod';

/**
 * The variables of docker compose's `observability` profile (`docker compose --profile
 * observability up`): compose hands them to Grafana; Prometheus scrapes every service with
 * METRICS_TOKEN.
 */
export const observabilityEnvSchema = z.object({
  GRAFANA_ADMIN_USER: z
    .string()
    .min(1)
    .default('admin')
    .describe("Grafana's admin account (compose profile observability)."),
  GRAFANA_ADMIN_PASSWORD: z
    .string()
    .min(1)
    .optional()
    .describe("The password of Grafana's admin account (compose profile observability)."),
});
