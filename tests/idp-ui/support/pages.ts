import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG_DIR } from '../../../idp/views/i18n.js';

/** The top-level sections of the English catalog ("identify", "consent", ...): how every key starts. */
export function catalogSections(): string[] {
  return Object.keys(JSON.parse(readFileSync(join(CATALOG_DIR, 'en.json'), 'utf8')));
}
