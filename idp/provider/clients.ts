import { readFileSync } from 'node:fs';
import type { ClientMetadata } from 'oidc-provider';
import { z } from 'zod';
import { ConfigError } from '../../infra/config.js';

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
    redirect_uris: z.array(z.url()).min(1),
    post_logout_redirect_uris: z.array(z.url()).default([]),
    backchannel_logout_uri: z.url().optional(),
    grant_types: z
      .array(z.enum(['authorization_code', 'refresh_token']))
      .default(['authorization_code', 'refresh_token']),
    /** First-party clients (the hub portal) skip the consent page. */
    first_party: z.boolean().default(false),
    /** Refuses this confidential client's code requests without PKCE (public clients always need it). */
    require_pkce: z.boolean().optional(),
  })
  .strict();

const clientsFileSchema = z.object({ clients: z.array(clientSchema) }).strict();

/** Reads the static clients, taking each confidential client's secret from the environment. */
export function loadClients(file: string, env: Record<string, string | undefined> = process.env): ClientMetadata[] {
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
  const problems: string[] = [];
  const clients = result.data.clients.map(({ client_secret_env, ...client }) => {
    if (client.token_endpoint_auth_method === 'none') return { ...client, response_types: ['code'] };
    const secret = client_secret_env ? env[client_secret_env] : undefined;
    if (!client_secret_env || !secret || secret.length < 32) {
      problems.push(
        `${client_secret_env ?? 'client_secret_env'}: client ${client.client_id} needs a secret of at least 32 characters in this variable`,
      );
    }
    return { ...client, client_secret: secret, response_types: ['code'] };
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
