import { z } from 'zod';

/** `{"$env": "NAME"}` in options: the value comes from the environment, never from the file. */
const envRef = z.object({ $env: z.string().regex(/^[A-Z][A-Z0-9_]*$/), default: z.string().optional() }).strict();
export type EnvRef = z.infer<typeof envRef>;

const optionValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([envRef, z.string(), z.number(), z.boolean(), z.array(optionValue), z.record(z.string(), optionValue)]),
);

const FOLDER = /^[a-z0-9][a-z0-9-]{1,62}$/;
/** `<folder>/<name>.biller.yaml` (or .yml/.json) under adapters/: one folder down, no `..`. */
const DECLARATION = /^[a-z0-9][a-z0-9-]{1,62}\/[A-Za-z0-9][A-Za-z0-9._-]*\.(ya?ml|json)$/;

/**
 * One biller the hub offers: EITHER `adapter` (a code adapter's folder) OR `declaration` (a
 * declaration file, adapters/declarative/README.md), never both, with its options.
 */
const entrySchema = z
  .object({
    /** The biller id the hub uses; defaults to the adapter's (or declaration's) descriptor id. */
    id: z.string().regex(FOLDER).optional(),
    /** The adapter folder under adapters/, e.g. "electricity-discom". */
    adapter: z.string().regex(FOLDER, 'must name a folder under adapters/').optional(),
    /** A declaration file under adapters/, e.g. "property-tax/property-tax.biller.yaml". */
    declaration: z
      .string()
      .regex(DECLARATION, 'must name a <folder>/<name>.biller.yaml (.yml, .json) file under adapters/')
      .optional(),
    name: z.string().min(1).max(100).optional(),
    enabled: z.boolean().default(true),
    options: z.record(z.string(), optionValue).default({}),
  })
  .strict()
  .refine((entry) => (entry.adapter === undefined) !== (entry.declaration === undefined), {
    message: 'give exactly one of "adapter" (a code adapter folder) or "declaration" (a declaration file)',
  });
export type RegistryEntry = z.infer<typeof entrySchema>;

export const registryFileSchema = z.object({ billers: z.array(entrySchema).min(1) }).strict();
export type RegistryFile = z.infer<typeof registryFileSchema>;

export function isEnvRef(value: unknown): value is EnvRef {
  return envRef.safeParse(value).success;
}
