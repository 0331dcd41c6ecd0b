import { z } from 'zod';
import type { BillerDescriptor, BillerOperations } from './contract.js';

/** The little of a logger an adapter needs; pino and console both fit. */
export interface AdapterLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface AdapterContext {
  log?: AdapterLogger;
  /**
   * In-process services the host hands to first-party adapters by name (e.g. `demands`, see
   * adapters/payment-demands/port.ts). Each adapter checks the shape of what it reads; utility
   * adapters use none.
   */
  services?: Readonly<Record<string, unknown>>;
}

export interface AdapterDefinition<Options> {
  /** How the registry names this adapter, e.g. "discom-json". */
  kind: string;
  descriptor: BillerDescriptor;
  /** Validates and defaults the options a registry entry gives (base URL, credentials ...). */
  options: z.ZodType<Options>;
  /**
   * Options that are credentials (an API key, an HMAC secret, a client secret): the registry
   * refuses an entry that writes one in the file instead of `{"$env": NAME}`.
   */
  secretOptions?: readonly string[];
  create(options: Options, context: AdapterContext): BillerOperations;
}

/** A regular expression's source that compiles (consumer param patterns, declared sandboxes' patterns). */
export const patternSchema = z.string().refine((source) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

const descriptorSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lowercase letters, digits and dashes'),
    name: z.string().min(1).max(100),
    category: z.enum(['electricity', 'water', 'gas', 'other']),
    consumerParams: z
      .array(
        z.object({
          name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,31}$/),
          label: z.string().min(1),
          pattern: patternSchema,
          example: z.string().min(1),
        }),
      )
      .min(1),
    fetchRequirement: z.enum(['MANDATORY', 'OPTIONAL', 'NOT_SUPPORTED']),
    exactness: z.enum(['EXACT', 'EXACT_AND_ABOVE', 'EXACT_AND_BELOW', 'ANY']),
    currency: z.string().regex(/^[A-Z]{3}$/),
  })
  .superRefine((descriptor, ctx) => {
    descriptor.consumerParams.forEach((param, i) => {
      if (!new RegExp(`^(?:${param.pattern})$`).test(param.example)) {
        ctx.addIssue({ code: 'custom', path: ['consumerParams', i, 'example'], message: 'does not match its pattern' });
      }
    });
  });

export class AdapterDefinitionError extends Error {
  constructor(kind: string, problems: string[]) {
    super(`adapter ${kind}: ${problems.join('; ')}`);
    this.name = 'AdapterDefinitionError';
  }
}

/**
 * Declares an adapter. The descriptor is checked here, once, when the adapter module loads:
 * a malformed adapter never reaches the hub.
 */
export function defineAdapter<Options>(definition: AdapterDefinition<Options>): AdapterDefinition<Options> {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(definition.kind)) {
    throw new AdapterDefinitionError(String(definition.kind), ['kind must be lowercase letters, digits and dashes']);
  }
  const result = descriptorSchema.safeParse(definition.descriptor);
  if (!result.success) {
    throw new AdapterDefinitionError(
      definition.kind,
      result.error.issues.map((issue) => `descriptor.${issue.path.join('.')}: ${issue.message}`),
    );
  }
  if (typeof definition.create !== 'function') {
    throw new AdapterDefinitionError(definition.kind, ['create must be a function']);
  }
  return Object.freeze({ ...definition, descriptor: Object.freeze(result.data) as BillerDescriptor });
}
