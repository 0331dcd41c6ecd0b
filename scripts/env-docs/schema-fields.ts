import type { z } from 'zod';

/** What the env docs show of one variable of a config schema. */
export interface SchemaField {
  name: string;
  /** The schema's `.describe()` / `.meta({ description })`, on the field or on a schema it wraps. */
  description?: string;
  /** The default as it would be written in the environment (`.default()`), e.g. "3000", "false". */
  default?: string;
  /** True when the schema refuses the variable unset. */
  required: boolean;
}

/** The parts of zod's internal definition this walk reads (wrappers, pipes and defaults). */
interface WrapperDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  defaultValue?: unknown;
}

/** Wrappers whose inner schema carries the rest of a field's description and default. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** Renders a default as the text an environment variable would hold. */
function asEnvText(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/**
 * One field of an object schema: its description and default are the outermost ones found going
 * in through wrappers (optional, default, ...) and the input side of pipes, so both
 * `z.string().describe('x').optional()` and `z.string().optional().describe('x')` are read.
 */
export function schemaField(name: string, schema: z.ZodType): SchemaField {
  let description: string | undefined;
  let fallback: unknown;
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current && depth < 20; depth++) {
    description ??= current.description || undefined;
    const def = current._zod.def as WrapperDef;
    if ((def.type === 'default' || def.type === 'prefault') && fallback === undefined) fallback = def.defaultValue;
    if (WRAPPERS.has(def.type)) current = def.innerType;
    else if (def.type === 'pipe') current = def.in;
    else break;
  }
  return {
    name,
    ...(description ? { description } : {}),
    ...(fallback !== undefined ? { default: asEnvText(fallback) } : {}),
    required: !schema.safeParse(undefined).success,
  };
}

/** Every field of an object schema (refinements kept; `.shape` is the object's own). */
export function schemaFields(schema: { shape: Record<string, z.ZodType> }): SchemaField[] {
  return Object.entries(schema.shape).map(([name, field]) => schemaField(name, field));
}
