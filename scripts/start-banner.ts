/**
 * The "All services are up" lines of `npm start`: one `name  address` row per service, the
 * addresses lined up in one column after the longest name (two spaces after it), whatever names
 * are added later.
 */
export function bannerRows(rows: { name: string; address: string }[]): string[] {
  const width = Math.max(0, ...rows.map((row) => row.name.length));
  return rows.map((row) => `  ${row.name.padEnd(width)}  ${row.address}`);
}
