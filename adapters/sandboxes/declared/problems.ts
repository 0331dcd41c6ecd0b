/** One thing wrong with a sandbox file: where (a field path such as `routes.post.refusals[0].when`) and what. */
export interface SandboxFileProblem {
  path: string;
  message: string;
}

/**
 * A sandbox file refused: the message names the file and every bad field, e.g.
 * `adapters/property-tax/sandbox.yaml: routes.fetch.path: Required; books.consumer.ward.between: ...`.
 */
export class DeclaredSandboxError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly SandboxFileProblem[],
  ) {
    super(`${file}: ${problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ')}`);
    this.name = 'DeclaredSandboxError';
  }
}

/** A field path as the file's reader writes it: `a.b[2].c`. */
export function fieldPath(parts: readonly PropertyKey[]): string {
  return parts
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/** Collects problems under a base path while a file is compiled. */
export class Problems {
  readonly list: SandboxFileProblem[] = [];

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
}
