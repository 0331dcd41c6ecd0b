import type { Context } from 'koa';
import type { z } from 'zod';
import type { TokenKind } from './access-token.js';

/**
 * Who may call a route. A public route (`scopes: null`) needs no token, but an Authorization
 * header sent to it must hold a valid token (of either kind; else 401 invalid_token, RFC 6750 §3.1). Any other
 * names the token kinds it accepts (`callers`: citizens' tokens, clients' own client credentials
 * tokens, or both; another kind is a 403 wrong_token_kind) and the scopes the token needs.
 */
export type RouteAccess =
  | { scopes: null; callers?: undefined }
  | { scopes: string[]; callers: readonly [TokenKind, ...TokenKind[]] };

/**
 * One API route as data: the router is built from it and so is the OpenAPI document, so the
 * two cannot drift apart.
 */
export type RouteSpec = RouteAccess & {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Koa style, relative to /api/v1: `/billers/:billerId`. */
  path: string;
  summary: string;
  /** The OpenAPI operationId: a stable camelCase name for generated clients (`listMyPayments`). */
  operationId?: string;
  /** The success answer's JSON body, for the OpenAPI document (absent for non-JSON answers). */
  response?: z.ZodType;
  /** A success answer that is not JSON (a PDF, a CSV): its media type, documented as binary. */
  responseMediaType?: string;
  /** An object of fields, or a record for free-form fields (a biller's consumer params). */
  query?: z.ZodType;
  body?: z.ZodType;
  /**
   * A body that is text of this media type instead of JSON (a CSV upload): read as a string of at
   * most `limit` bytes and handed to the handler as `body`; another media type is a 415.
   */
  textBody?: { mediaType: 'text/csv'; limit: string; description: string };
  /**
   * The body as the OpenAPI document shows it, when `body` has rules JSON Schema cannot carry
   * (refinements such as "one of these two forms"), or checks only the fields it acts on (a
   * webhook whose full shape is the gateway's). Its objects are documented closed.
   */
  bodyDocument?: z.ZodType;
  /** The success status; 200 unless said. */
  status?: number;
  /** Request headers the route reads, by name: whether required, what they mean, and their form (a string if not said). */
  headers?: Readonly<Record<string, { required: boolean; description: string; schema?: z.ZodType }>>;
  /** Headers a success answer may carry, by name: what they mean. */
  responseHeaders?: Readonly<Record<string, string>>;
  /**
   * Problem answers beyond the usual 400/401/403, by HTTP status: the problem codes and when
   * (so clients can branch on `code`, and the OpenAPI document lists them).
   */
  problems?: Readonly<Record<number, string>>;
  handler: (ctx: Context, input: { query: unknown; body: unknown }) => Promise<unknown> | unknown;
};
