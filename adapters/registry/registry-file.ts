import { z } from 'zod';

/** `{"$env": "NAME"}` in options: the value comes from the environment, never from the file. */
const envRef = z.object({ $env: z.string().regex(/^[A-Z][A-Z0-9_]*$/), default: z.string().optional() }).strict();
export type EnvRef = z.infer<typeof envRef>;

const optionValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([envRef, z.string(), z.number(), z.boolean(), z.array(optionValue), z.record(z.string(), optionValue)]),
);

export const registryFileSchema = z
  .object({
    billers: z
      .array(
        z
          .object({
            /** The biller id the hub uses; defaults to the adapter's descriptor id. */
            id: z
              .string()
              .regex(/^[a-z0-9][a-z0-9-]{1,62}$/)
              .optional(),
            /** The adapter folder under adapters/, e.g. "electricity-discom". */
            adapter: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must name a folder under adapters/'),
            name: z.string().min(1).max(100).optional(),
            enabled: z.boolean().default(true),
            options: z.record(z.string(), optionValue).default({}),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type RegistryFile = z.infer<typeof registryFileSchema>;

export function isEnvRef(value: unknown): value is EnvRef {
  return envRef.safeParse(value).success;
}
