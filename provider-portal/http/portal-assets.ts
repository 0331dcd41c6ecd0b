import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';
import { staffStylesheet } from '../../hub/portal/staff/assets.js';

/** Where every portal page links its own styles, after the shared design's (infra/web/design-assets.ts). */
export const PORTAL_STYLESHEET = '/assets/provider-portal.css';

const CSS_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets', 'provider-portal.css');

/**
 * Serves GET/HEAD PORTAL_STYLESHEET: the staff portals' shared styles (hub/portal/staff/assets.ts:
 * wide tables in scrolling regions, references and dates kept on one line, the header's sign-out
 * button) and the provider portal's own, if any.
 */
export function portalAssets(): Middleware {
  return staffStylesheet(PORTAL_STYLESHEET, CSS_PATH);
}
