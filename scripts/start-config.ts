import { z } from 'zod';

/**
 * The variables `npm start` (scripts/start.ts) reads for itself; every service it runs reads its
 * own schema, and the ports it probes are those services' port variables.
 */
export const startEnvSchema = z.object({
  DATA_DIR: z
    .string()
    .min(1)
    .default('data')
    .describe(
      'Where the local MongoDB (H2 file) and Redis keep their data, and the generated development secrets (dev-secrets.json), relative to the checkout.',
    ),
});
export type StartEnv = z.infer<typeof startEnvSchema>;
