import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The folder every benchmark writes its result files to (bench/results). */
export const RESULTS_DIR = resolve(import.meta.dirname, '../results');

/**
 * A run's start as it appears in its result file's name: `2026-12-01T19-37-14Z` (UTC, seconds;
 * `:` becomes `-`, which every file system accepts). `startedAt`: a Date or an ISO 8601 string.
 */
export function resultStamp(startedAt: Date | string): string {
  const iso = typeof startedAt === 'string' ? startedAt : startedAt.toISOString();
  return `${iso.slice(0, 19).replace(/:/g, '-')}Z`;
}

/**
 * Writes `report` as pretty JSON to bench/results/<kind>-<stamp>.json (the folder made if
 * missing) and returns the file's path. Throws what the file system throws.
 */
export function writeResult(kind: string, startedAt: Date | string, report: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${kind}-${resultStamp(startedAt)}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
