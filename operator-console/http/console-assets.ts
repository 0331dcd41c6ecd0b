import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';
import { staffStylesheet } from '../../hub/portal/staff/assets.js';

/** Where every console page links its own styles, after the shared design's (infra/web/design-assets.ts). */
export const CONSOLE_STYLESHEET = '/assets/operator-console.css';

const CSS_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets', 'operator-console.css');

/**
 * Serves GET/HEAD CONSOLE_STYLESHEET: the staff portals' shared styles (hub/portal/staff/assets.ts:
 * wide tables in scrolling regions, references and dates kept on one line, the header's navigation)
 * and the operator console's own (the current section, money columns).
 */
export function consoleAssets(): Middleware {
  return staffStylesheet(CONSOLE_STYLESHEET, CSS_PATH);
}
