import type { Context } from 'koa';

/** The form body as @koa/bodyparser (qs) gives it. */
type FormBody = Record<string, unknown>;

const body = (ctx: Context): FormBody => (ctx.request.body as FormBody | undefined) ?? {};

/** One form field as a string ('' when absent; the first when sent several times). */
export function field(ctx: Context, name: string): string {
  const value = body(ctx)[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** Every value of a repeated form field (checkboxes). */
export function fieldValues(ctx: Context, name: string): string[] {
  const value = body(ctx)[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((v): v is string => typeof v === 'string');
}

/** One query parameter as a string ('' when absent). */
export function queryParam(ctx: Context, name: string): string {
  const value = ctx.query[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/**
 * A path on this site to return to, or `fallback`: only `/…` paths, never `//host` or `/\host`
 * (which browsers read as another site), so no one can use the portal as an open redirect.
 */
export function localPath(value: string, fallback = '/dashboard'): string {
  return /^\/(?![/\\])[^\s]*$/.test(value) && value.length <= 2000 ? value : fallback;
}
