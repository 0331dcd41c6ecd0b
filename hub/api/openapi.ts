import { z } from 'zod';
import type { TokenKind } from './access-token.js';
import { problemSchema } from './response-schemas.js';
import type { RouteSpec } from './route-spec.js';
import { API_SCOPES, CLIENT_SCOPES } from './scopes.js';

/** Where the document's token comes from: the idp (issuer) and this API's resource indicator. */
export interface OpenApiAuth {
  issuer: string;
  resource: string;
}

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

/** A problem+json answer, described by when it happens. */
const problem = (description: string) => ({
  description: `problem+json: ${description}`,
  content: { 'application/problem+json': { schema: PROBLEM_REF } },
});

/** What every route may answer besides its own problems, by what it reads. */
const COMMON = {
  400: 'invalid_request (fields: [{field, problem}]): the input breaks the rules named; nothing changed',
  401: 'invalid_token: no valid access token for this API (WWW-Authenticate: Bearer error="invalid_token")',
  /** A public route's 401: it needs no token, but checks one that is sent. */
  publicInvalid:
    'invalid_token: a Bearer token was sent that is not valid for this API (expired, forged, an ID token, for another resource); send none or a valid one (WWW-Authenticate: Bearer error="invalid_token")',
  403: "insufficient_scope: the token lacks a scope this route needs (WWW-Authenticate names it); wrong_token_kind: a client's own token on a citizen's route, or a citizen's on a client's route",
  413: 'the JSON body is over 32 KiB',
  415: 'the body is not application/json',
  /** A text body's (a CSV upload's) 413 and 415. */
  text413: 'the body is over the size limit the request body names',
  text415: 'the body is not of the media type the request body names',
} as const;

const toJsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return json;
};

function howToGetAToken({ issuer, resource }: OpenApiAuth): string {
  return [
    'Every route with scopes in its security requirement needs `Authorization: Bearer <access token>`: an RFC 9068 JWT',
    `issued by the idp (${issuer}) for this API's resource indicator \`${resource}\` (RFC 8707).`,
    'There are two kinds, and each operation says which it accepts (`x-token-kinds`, and its description):',
    '',
    `- A **citizen's token**: the authorization code flow with PKCE (S256). Send the citizen to ${issuer}/auth`,
    '  with `response_type=code`, your `client_id` and `redirect_uri`, `code_challenge`, `scope` (openid and',
    `  the citizen scopes) and \`resource=${resource}\`; then exchange the code at ${issuer}/token with the`,
    '  `code_verifier` (and `resource` again). It speaks for that citizen.',
    "- A **client's own token** (machine clients: a service provider's systems, operator tooling): the client",
    `  credentials grant. POST \`grant_type=client_credentials&scope=<client scopes>&resource=${resource}\` to`,
    `  ${issuer}/token, authenticated with the client's secret (HTTP Basic). Its subject is the client, never a`,
    '  citizen; it carries only client scopes, and no refresh token comes with it. Clients are registered with',
    '  the idp by its operator.',
    '',
    `The idp publishes its metadata at ${issuer}/.well-known/openid-configuration. A token for another`,
    'resource, or an ID token, is a 401; a token of a kind the route does not accept is a 403 `wrong_token_kind`.',
    'Public operations (optional security: `{}` among their requirements, `x-token-required: false`) need no',
    'token, but a token sent to them is checked like anywhere else: an invalid or expired one is a 401.',
    '',
    'Errors are application/problem+json (RFC 9457) with a machine-readable `code`; an unknown method on a',
    'known path is a 405 problem with `Allow`. Amounts are integer minor units (paise). Answers for a token',
    'are `Cache-Control: no-store`.',
  ].join('\n');
}

/** Who may call, in words, for an operation's description. */
function whoMayCall(route: RouteSpec): string {
  if (!route.scopes) {
    return "Public: no access token needed. A token, if sent, must be valid (a citizen's or a client's own, any scope), else 401 invalid_token.";
  }
  const kinds: Record<TokenKind, string> = {
    citizen: "a citizen's token (authorization code flow)",
    member: "a provider member's token (authorization code flow at a provider portal, naming provider_id)",
    client: "a client's own token (client credentials)",
    operator:
      "an operator's token (authorization code flow at the operator console, with the authenticator app; roles claim holding operator)",
  };
  return `Accepts ${route.callers.map((kind) => kinds[kind]).join(' or ')}.`;
}

/** Every kind of token: a public route accepts either (if valid), or none. */
const ALL_TOKEN_KINDS: readonly TokenKind[] = ['citizen', 'client'];

/**
 * An operation's security requirements (OpenAPI 3.1 §4.8.30): a route with scopes needs a token
 * with them; a public one is optional security, `{}` (no token) or a token of no particular scope.
 */
function securityOf(route: RouteSpec) {
  return route.scopes ? [{ bearer: route.scopes }, { idp: route.scopes }] : [{}, { bearer: [] }, { idp: [] }];
}

/**
 * The OpenAPI 3.1 document of the citizen API, generated from the same specs as the router:
 * each route's success body (RouteSpec.response), every problem status it can answer, the headers
 * it reads and sends, its scopes and the token kinds it accepts, and how to get either kind of token.
 */
export function openApiDocument(routes: RouteSpec[], serverUrl: string, auth: OpenApiAuth) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const paramShapes = route.params instanceof z.ZodObject ? (route.params.shape as Record<string, z.ZodType>) : {};
    const pathParams = [...route.path.matchAll(/:(\w+)/g)].map(([, name = '']) => {
      // A parameter's schema documents its form (an id's pattern, a length); else it is any string.
      const shape = paramShapes[name];
      return { name, in: 'path', required: true, schema: shape ? toJsonSchema(shape, 'input') : { type: 'string' } };
    });
    const queryParams =
      route.query instanceof z.ZodObject
        ? Object.entries(route.query.shape).map(([name, schema]) => ({
            name,
            in: 'query',
            required: !(schema as z.ZodType).safeParse(undefined).success,
            schema: toJsonSchema(schema as z.ZodType, 'input'),
          }))
        : route.query
          ? [{ name: 'fields', in: 'query', style: 'form', explode: true, schema: toJsonSchema(route.query, 'input') }]
          : [];
    const headerParams = Object.entries(route.headers ?? {}).map(([name, header]) => ({
      name,
      in: 'header',
      required: header.required,
      description: header.description,
      schema: header.schema ? toJsonSchema(header.schema, 'input') : { type: 'string' },
    }));
    const successHeaders = Object.entries(route.responseHeaders ?? {}).map(([name, description]) => [
      name,
      { description, schema: { type: 'string' } },
    ]);
    // A path parameter its schema refuses is a 400 only where the route says so (else a 404, below).
    const reads = Boolean(route.body || route.textBody || route.query || route.headers || route.badParams === 400);
    const problems: Record<string, string> = {
      ...(reads ? { 400: COMMON[400] } : {}),
      ...(route.scopes ? { 401: COMMON[401], 403: COMMON[403] } : { 401: COMMON.publicInvalid }),
      ...(route.body ? { 413: COMMON[413], 415: COMMON[415] } : {}),
      ...(route.textBody ? { 413: COMMON.text413, 415: COMMON.text415 } : {}),
      // A path names a resource: one that is not there (or not the caller's) is a 404.
      ...(pathParams.length ? { 404: `not_found: no such ${pathParams.map((p) => p.name).join(' / ')}` } : {}),
      ...route.problems,
    };
    const status = route.status ?? 200;
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method] = {
      ...(route.operationId ? { operationId: route.operationId } : {}),
      summary: route.summary,
      description: whoMayCall(route),
      // The token kinds the operation accepts; a public one takes either, or none (`security` says so).
      'x-token-kinds': route.callers ?? ALL_TOKEN_KINDS,
      'x-token-required': route.scopes !== null,
      security: securityOf(route),
      parameters: [...pathParams, ...queryParams, ...headerParams],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  // A document of the body is closed (objects take no other keys), as it is read.
                  schema: route.bodyDocument
                    ? toJsonSchema(route.bodyDocument, 'output')
                    : toJsonSchema(route.body, 'input'),
                },
              },
            },
          }
        : route.textBody
          ? {
              requestBody: {
                required: true,
                description: `${route.textBody.description} (at most ${route.textBody.limit})`,
                content: { [route.textBody.mediaType]: { schema: { type: 'string' } } },
              },
            }
          : {}),
      responses: {
        [String(status)]: {
          description: status === 204 ? 'done; no body' : 'success',
          ...(successHeaders.length ? { headers: Object.fromEntries(successHeaders) } : {}),
          ...(route.response
            ? { content: { 'application/json': { schema: toJsonSchema(route.response, 'output') } } }
            : route.responseMediaType
              ? { content: { [route.responseMediaType]: { schema: { type: 'string', format: 'binary' } } } }
              : {}),
        },
        ...Object.fromEntries(Object.entries(problems).map(([code, description]) => [code, problem(description)])),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Citizen BillPay hub API', version: '1', description: howToGetAToken(auth) },
    servers: [{ url: serverUrl, description: 'this hub' }],
    components: {
      schemas: { Problem: toJsonSchema(problemSchema, 'output') },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: `An RFC 9068 access token from ${auth.issuer} for the resource ${auth.resource} (see the idp scheme)`,
        },
        idp: {
          type: 'oauth2',
          description: [
            "The idp, with resource indicators (RFC 8707: send `resource` to /auth and /token). A citizen's token",
            'comes from the authorization code flow with PKCE (S256) and carries the citizen scopes; a machine',
            "client's own token comes from the client credentials flow (client_secret_basic) and carries only the",
            'client scopes its registration allows. Each operation says which kinds it accepts (`x-token-kinds`).',
          ].join(' '),
          flows: {
            authorizationCode: {
              authorizationUrl: `${auth.issuer}/auth?resource=${encodeURIComponent(auth.resource)}`,
              tokenUrl: `${auth.issuer}/token`,
              refreshUrl: `${auth.issuer}/token`,
              scopes: API_SCOPES,
            },
            clientCredentials: {
              tokenUrl: `${auth.issuer}/token`,
              scopes: CLIENT_SCOPES,
            },
          },
        },
      },
    },
    paths,
  };
}
