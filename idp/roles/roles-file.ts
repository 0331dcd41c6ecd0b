import { readFileSync } from 'node:fs';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { ClientMetadata } from 'oidc-provider';
import { z } from 'zod';
import { ConfigError } from '../../infra/config.js';
import { Organisations } from './organisations.js';

/**
 * The roles file (IDP_ROLES_FILE, e.g. idp/roles.example.json): the kinds of role a person or a
 * client can hold besides being a citizen, and the organisations that hold them: `provider` (a
 * service provider raising payment demands) and `operator` (the hub's operations team, signing in
 * at an operator console with the authenticator app). Each role is a union member here.
 */
const member = z.string().transform((value, ctx) => {
  const trimmed = value.trim();
  if (trimmed.includes('@')) {
    const lowered = trimmed.toLowerCase();
    if (!z.email().safeParse(lowered).success) ctx.addIssue({ code: 'custom', message: `${value} is not an email` });
    return { kind: 'email' as const, value: lowered };
  }
  const phone = parsePhoneNumberFromString(trimmed);
  if (!phone?.isValid() || phone.number !== trimmed) {
    ctx.addIssue({ code: 'custom', message: `${value} is not a phone number in E.164 (+919800000001) nor an email` });
  }
  return { kind: 'phone' as const, value: trimmed };
});

const providerOrganisation = z
  .object({
    role: z.literal('provider'),
    /** Stable id, the `provider_id` claim and the provider of its demands at the hub. */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2 to 63 lowercase letters, digits or -'),
    /** Display name, the `provider_name` claim: how payers see the provider. */
    name: z.string().trim().min(1).max(100),
    /** People acting for it: a verified phone (E.164) or email of their account. */
    members: z.array(member).default([]),
    /** Machine clients (client credentials) acting for it. */
    clients: z.array(z.string()).default([]),
  })
  .strict();

const operatorOrganisation = z
  .object({
    role: z.literal('operator'),
    /** Stable id of the team. */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2 to 63 lowercase letters, digits or -'),
    /** Display name, the `operator_team` claim. */
    name: z.string().trim().min(1).max(100),
    /** The operators: a verified phone (E.164) or email of their account. */
    members: z.array(member).default([]),
  })
  .strict();

const rolesFileSchema = z
  .object({
    roles: z
      .object({
        provider: z
          .object({
            /** Clients that may ask, for a signed-in member, for the `provider` scope and demand scopes. */
            portals: z.array(z.string()).default([]),
          })
          .strict()
          .optional(),
        operator: z
          .object({
            /**
             * Clients that may ask, for a signed-in operator, for the `operator` scope and the ops
             * scopes; the idp requires the authenticator app there (idp/roles/operator-claims.ts).
             */
            consoles: z.array(z.string()).default([]),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
    organisations: z.array(z.discriminatedUnion('role', [providerOrganisation, operatorOrganisation])).default([]),
  })
  .strict();

/** One organisation of the roles file, members normalised (phones E.164, emails lowercased). */
export type OrganisationEntry = z.infer<typeof providerOrganisation> | z.infer<typeof operatorOrganisation>;
export type RolesFile = z.infer<typeof rolesFileSchema>;

/** Problems the schema cannot see: references to clients and clashes between organisations. */
function crossCheck(file: RolesFile, clients: readonly ClientMetadata[]): string[] {
  const problems: string[] = [];
  const byId = new Map(clients.map((client) => [client.client_id, client]));
  const seen = { ids: new Set<string>(), members: new Map<string, string>(), clients: new Map<string, string>() };
  const signInClients = [
    ...(file.roles.provider?.portals ?? []).map((id) => ['roles.provider.portals', id] as const),
    ...(file.roles.operator?.consoles ?? []).map((id) => ['roles.operator.consoles', id] as const),
  ];
  for (const [at, portal] of signInClients) {
    const client = byId.get(portal);
    if (!client) problems.push(`${at}: ${portal} is not a client of the clients file`);
    else if (!client.grant_types?.includes('authorization_code')) {
      problems.push(`${at}: ${portal} does not sign people in (no authorization_code grant)`);
    }
  }
  for (const [index, organisation] of file.organisations.entries()) {
    const at = `organisations.${index} (${organisation.id})`;
    if (seen.ids.has(organisation.id)) problems.push(`${at}: the id ${organisation.id} is used twice`);
    seen.ids.add(organisation.id);
    // One organisation per person and role: a person may be a provider's member and an operator.
    for (const { value } of organisation.members) {
      const key = `${organisation.role}:${value}`;
      const other = seen.members.get(key);
      if (other) problems.push(`${at}: ${value} is already a member of ${other} (one ${organisation.role} per person)`);
      seen.members.set(key, organisation.id);
    }
    if (organisation.role !== 'provider') continue;
    for (const clientId of organisation.clients) {
      const client = byId.get(clientId);
      if (!client) problems.push(`${at}: client ${clientId} is not in the clients file`);
      else if (!client.grant_types?.includes('client_credentials')) {
        problems.push(`${at}: client ${clientId} has no client_credentials grant, so it cannot act for it`);
      }
      const other = seen.clients.get(clientId);
      if (other) problems.push(`${at}: client ${clientId} already acts for ${other}`);
      seen.clients.set(clientId, organisation.id);
    }
  }
  return problems;
}

/**
 * Reads and checks the roles file against the static clients. No file (undefined): no roles at
 * all. Throws ConfigError naming every problem: an unreadable file, an entry breaking the schema
 * (a member that is neither an E.164 phone nor an email, an unknown role), a portal or client the
 * clients file lacks or that cannot do its part, a person or client in two organisations.
 */
export function loadRoles(file: string | undefined, clients: readonly ClientMetadata[]): Organisations {
  if (!file) return new Organisations({ roles: {}, organisations: [] });
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError([`IDP_ROLES_FILE: cannot read ${file}: ${(error as Error).message}`]);
  }
  const result = rolesFileSchema.safeParse(parsed);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `IDP_ROLES_FILE ${file} ${i.path.join('.')}: ${i.message}`));
  }
  const problems = crossCheck(result.data, clients);
  if (problems.length) throw new ConfigError(problems.map((problem) => `IDP_ROLES_FILE ${file} ${problem}`));
  return new Organisations(result.data);
}
