import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { FAVICON, STYLESHEET } from './design-assets.js';
import { formatDateIST, formatDateTimeIST, formatMoney } from './format.js';
import type { Locale } from './locale.js';

/** The shared layout (`{% extends "web-layout.njk" %}`); see infra/web/views/web-layout.njk for its blocks. */
export const LAYOUT = 'web-layout.njk';

const here = dirname(fileURLToPath(import.meta.url));
/** govuk-frontend's `dist` folder: templates import `govuk/components/<name>/macro.njk`. */
const govukDist = join(dirname(createRequire(import.meta.url).resolve('govuk-frontend/package.json')), 'dist');

/**
 * A nunjucks environment with auto-escaping on, looking up templates in `viewDirs` (first match
 * wins), then infra/web/views (the shared `web-layout.njk`) and `govuk/…` (govuk-frontend's
 * macros). Filters: `money(currency, locale)` for integer minor units, `dateIST(locale)` and
 * `dateTimeIST(locale)`. Globals: `stylesheet`, `favicon`. Templates are cached unless `watch`.
 */
export function createViewEnvironment(viewDirs: string[], options: { watch?: boolean } = {}): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader([...viewDirs, join(here, 'views'), govukDist], {
    noCache: options.watch ?? false,
  });
  const environment = new nunjucks.Environment(loader, { autoescape: true, throwOnUndefined: false });
  environment.addFilter('money', (minor: number, currency: string, locale: Locale) =>
    formatMoney(minor, currency, locale),
  );
  environment.addFilter('dateIST', (value: Date | string, locale: Locale) => formatDateIST(value, locale));
  environment.addFilter('dateTimeIST', (value: Date | string, locale: Locale) => formatDateTimeIST(value, locale));
  environment.addGlobal('stylesheet', STYLESHEET);
  environment.addGlobal('favicon', FAVICON);
  return environment;
}
