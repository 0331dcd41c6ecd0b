import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * The "All services are up" lines of `npm start`: one `name  address` row per service, the
 * addresses lined up in one column after the longest name (two spaces after it), whatever names
 * are added later.
 */
export function bannerRows(rows: { name: string; address: string }[]): string[] {
  const width = Math.max(0, ...rows.map((row) => row.name.length));
  return rows.map((row) => `  ${row.name.padEnd(width)}  ${row.address}`);
}

/**
 * How the banner names the data folder (DATA_DIR, resolved): "./data" style when it lies under
 * `cwd`, the absolute path otherwise (e.g. "/var/lib/billpay"), so it is the folder actually used.
 */
export function dataDirLabel(dataDir: string, cwd: string): string {
  const inside = relative(cwd, dataDir);
  if (inside === '') return '.';
  if (inside.startsWith('..') || isAbsolute(inside)) return resolve(dataDir);
  return `./${inside.split(sep).join('/')}`;
}
