import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LRUCache } from 'lru-cache';
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

/** A govuk-frontend component macro: the name it exports and its macro file (e.g. `govuk/components/input/macro.njk`). */
export interface ComponentMacro {
  name: string;
  path: string;
}

/** What a component call is given: its one parameters object, as govuk-frontend documents it. */
type ComponentParams = Record<string, unknown> | undefined;

/** A cache key of a parameters object: SafeStrings (already-escaped HTML) are told apart from plain text. */
function paramsKey(params: ComponentParams): string {
  return JSON.stringify(params ?? null, (_key, value: unknown) =>
    value instanceof nunjucks.runtime.SafeString ? { safeHtml: String(value) } : value,
  );
}

/**
 * Makes each of `macros` a global of `environment` (templates call `govukInput({...})` without
 * importing it) whose HTML is kept by its parameters. A govuk-frontend component's HTML depends
 * on its parameters alone (imported without context, as `{% from %}` does), but rendering one
 * runs its template and every macro file it imports again: a govukInput is about 0.2 ms of CPU.
 * A page's fields and buttons are the same on every request in one language, so each is
 * rendered once and then served from an LRU of at most `max` entries (lru-cache). A call with an
 * `errorMessage` is rendered afresh and not kept: such pages echo what a person typed. A template
 * that imports the macro itself gets the uncached one. Returns what nunjucks macros return: a
 * SafeString, printed without escaping. Throws (at the first call) if a macro file is missing.
 */
export function addCachedComponents(
  environment: nunjucks.Environment,
  macros: ComponentMacro[],
  { max = 500 }: { max?: number } = {},
): void {
  const cache = new LRUCache<string, string>({ max });
  for (const { name, path } of macros) {
    const call = new nunjucks.Template(
      `{% from "${path}" import ${name} %}{{ ${name}(params) }}`,
      environment,
      `cached component ${name}`,
    );
    environment.addGlobal(name, (params: ComponentParams) => {
      if (params?.errorMessage) return new nunjucks.runtime.SafeString(call.render({ params }));
      const key = `${name}:${paramsKey(params)}`;
      let html = cache.get(key);
      if (html === undefined) {
        html = call.render({ params });
        cache.set(key, html);
      }
      return new nunjucks.runtime.SafeString(html);
    });
  }
}
