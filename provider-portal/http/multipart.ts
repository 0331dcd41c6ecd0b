import type { Context } from 'koa';
import { PortalError } from '../../hub/portal/http/portal-error.js';

/**
 * A multipart/form-data body (a file upload form) read with the platform's own parser (undici's
 * Response.formData, RFC 7578), after reading at most `limitBytes` of it: a larger body is a 413
 * page, a malformed one a 400 page.
 */
export async function readMultipart(ctx: Context, limitBytes: number): Promise<FormData> {
  const type = ctx.get('content-type');
  if (!type.startsWith('multipart/form-data')) throw new PortalError(400, 'bad_request', 'expected a file upload form');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw Object.assign(new Error('upload too large'), { status: 413, expose: true });
    chunks.push(chunk as Buffer);
  }
  try {
    return await new Response(Buffer.concat(chunks), { headers: { 'content-type': type } }).formData();
  } catch {
    throw new PortalError(400, 'bad_request', 'the upload form could not be read');
  }
}
