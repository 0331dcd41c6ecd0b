import { readFileSync } from 'node:fs';
import type { ClientMetadata } from 'oidc-provider';
import { z } from 'zod';
import { ConfigError } from '../../infra/config.js';
import { CLIENT_CREDENTIALS_SCOPES, HUB_CLIENT_SCOPES } from './client-credentials.js';

const clientSchema = z
  .object({
    client_id: z.string().regex(/^[\w.-]{3,64}$/),
    client_name: z.string().max(100).optional(),
    /** The secret is never in the file: this names the environment variable that holds it. */
    client_secret_env: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/)
      .optional(),
    token_endpoint_auth_method: z
      .enum(['client_secret_basic', 'client_secret_post', 'none'])
      .default('client_secret_basic'),
    /** Required with the authorization_code grant; a machine client (client_credentials only) has none. */
    redirect_uris: z.array(z.url()).default([]),
    post_logout_redirect_uris: z.array(z.url()).default([]),
    backchannel_logout_uri: z.url().optional(),
    grant_types: z
      .array(z.enum(['authorization_code', 'refresh_token', 'client_credentials']))
      .min(1)
      .default(['authorization_code', 'refresh_token']),
    /** With the client_credentials grant: the hub scopes this client may get for itself (client-credentials.ts). */
    [CLIENT_CREDENTIALS_SCOPES]: z.array(z.enum(HUB_CLIENT_SCOPES)).min(1).optional(),
    /** First-party clients (the hub portal) skip the consent page. */
    first_party: z.boolean().default(false),
    /** Refuses this confidential client's code requests without PKCE (public clients always need it). */
    require_pkce: z.boolean().optional(),
  })
  .strict()
  .superRefine((client, ctx) => {
    const grants = new Set(client.grant_types);
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (grants.has('authorization_code') && !client.redirect_uris.length) {
      problem('redirect_uris', 'the authorization_code grant needs at least one redirect URI');
    }
    if (!grants.has('authorization_code') && client.redirect_uris.length) {
      problem('redirect_uris', 'only the authorization_code grant uses redirect URIs');
    }
    if (grants.has('client_credentials') !== Boolean(client[CLIENT_CREDENTIALS_SCOPES])) {
      problem(CLIENT_CREDENTIALS_SCOPES, 'goes with the client_credentials grant, and that grant needs it');
    }
    if (grants.has('client_credentials') && client.token_endpoint_auth_method === 'none') {
      problem('token_endpoint_auth_method', 'the client_credentials grant needs a confidential client (a secret)');
    }
  });

const clientsFileSchema = z.object({ clients: z.array(clientSchema) }).strict();

/** Reads and checks a clients file; throws ConfigError naming the file and every problem. */
function readClientsFile(file: string): z.output<typeof clientsFileSchema> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError([`IDP_CLIENTS_FILE: cannot read ${file}: ${(error as Error).message}`]);
  }
  const result = clientsFileSchema.safeParse(parsed);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `IDP_CLIENTS_FILE ${file} ${i.path.join('.')}: ${i.message}`));
  }
  return result.data;
}

/** A variable a clients file names for a confidential client's secret. */
export interface ClientSecretEnvRef {
  name: string;
  clientId: string;
  clientName?: string;
}

/** Every secret variable a clients file names, in file order (the env docs list them); throws as loadClients. */
export function clientSecretEnvRefs(file: string): ClientSecretEnvRef[] {
  return readClientsFile(file).clients.flatMap((client) =>
    client.client_secret_env && client.token_endpoint_auth_method !== 'none'
      ? [
          {
            name: client.client_secret_env,
            clientId: client.client_id,
            ...(client.client_name ? { clientName: client.client_name } : {}),
          },
        ]
      : [],
  );
}

/**
 * Reads the static clients, taking each confidential client's secret from the environment. Throws
 * ConfigError naming every problem: an unreadable file, a client breaking the schema (above), or a
 * confidential client whose variable holds no secret of at least 32 characters.
 */
export function loadClients(file: string, env: Record<string, string | undefined> = process.env): ClientMetadata[] {
  const problems: string[] = [];
  const clients = readClientsFile(file).clients.map(({ client_secret_env, ...client }) => {
    // A machine client (client credentials only) never comes through /auth.
    const responseTypes = client.grant_types.includes('authorization_code') ? ['code'] : [];
    if (client.token_endpoint_auth_method === 'none') return { ...client, response_types: responseTypes };
    const secret = client_secret_env ? env[client_secret_env] : undefined;
    if (!client_secret_env || !secret || secret.length < 32) {
      problems.push(
        `${client_secret_env ?? 'client_secret_env'}: client ${client.client_id} needs a secret of at least 32 characters in this variable`,
      );
    }
    return { ...client, client_secret: secret, response_types: responseTypes };
  });
  if (problems.length) throw new ConfigError(problems);
  return clients as ClientMetadata[];
}

/** The idp's own account page signs in through the provider like any client, without tokens. */
export function accountConsoleClient(issuer: string): ClientMetadata {
  return {
    client_id: 'idp-account-console',
    client_name: 'Your account',
    token_endpoint_auth_method: 'none',
    redirect_uris: [`${issuer}/account`],
    response_types: ['none'],
    grant_types: [],
    first_party: true,
  };
}
