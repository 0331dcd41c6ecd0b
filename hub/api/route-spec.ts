import type { Context } from 'koa';
import type { z } from 'zod';

/**
 * One API route as data: the router is built from it and so is the OpenAPI document, so the
 * two cannot drift apart.
 */
export interface RouteSpec {
  method: 'get' | 'post' | 'delete';
  /** Koa style, relative to /api/v1: `/billers/:billerId`. */
  path: string;
  summary: string;
  /** Scopes the access token needs; null for a public route. */
  scopes: string[] | null;
  /** An object of fields, or a record for free-form fields (a biller's consumer params). */
  query?: z.ZodType;
  body?: z.ZodType;
  /** The success status; 200 unless said. */
  status?: number;
  handler: (ctx: Context, input: { query: unknown; body: unknown }) => Promise<unknown> | unknown;
}
