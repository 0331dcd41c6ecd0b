import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** A fixed seed: a failure found in CI is the same failure on a laptop. */
const SEED = '20261130';
/**
 * Longest a whole Schemathesis run may take before it is killed (ms): a bound for a hung run, not
 * a speed check. The work is fixed by the seed and --max-examples; alone it takes about 3 minutes
 * on a 2-core machine, and over 4 beside the rest of the suite, so the bound is generous.
 */
export const RUN_TIMEOUT_MS = 900_000;

export interface Run {
  code: number | null;
  output: string;
}

/** Runs the Schemathesis CLI; a missing `st` is an error naming scripts/setup.sh, never a skip. */
function schemathesis(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    // Run in a scratch directory: Schemathesis keeps a .schemathesis cache where it runs.
    const child = spawn('st', args, { cwd, env: { ...process.env, NO_COLOR: '1', PYTHONIOENCODING: 'utf-8' } });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new Error('Schemathesis (`st`) is not installed: scripts/setup.sh installs it (pip install schemathesis)')
          : error,
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export interface FuzzOptions {
  /** The hub's base URL; its OpenAPI document is at /api/v1/openapi.json. */
  hubUrl: string;
  /** The access token every request carries. */
  token: string;
  /** A scratch directory holding `schemathesis.toml`; reports are written there too. */
  dir: string;
  /** Test cases per operation and phase. */
  maxExamples: number;
  /** Only the operations whose path matches (a Python regex), e.g. `^/demand`. */
  includePathRegex?: string;
}

/**
 * Every Schemathesis check, in every phase (examples, coverage, fuzzing, stateful), over the
 * hub's OpenAPI document with a fixed seed and one worker: CPython 3.11's ast module can fail
 * parsing from several threads at once (gh-106905), which Hypothesis does when it describes a
 * strategy.
 */
export function fuzzHubApi(options: FuzzOptions): Promise<Run> {
  return schemathesis(
    [
      '--no-color',
      '--config-file',
      join(options.dir, 'schemathesis.toml'),
      'run',
      `${options.hubUrl}/api/v1/openapi.json`,
      ...(options.includePathRegex ? ['--include-path-regex', options.includePathRegex] : []),
      '--checks',
      'all',
      '--header',
      `Authorization: Bearer ${options.token}`,
      '--seed',
      SEED,
      '--max-examples',
      String(options.maxExamples),
      '--phases',
      'examples,coverage,fuzzing,stateful',
      '--workers',
      '1',
      '--request-timeout',
      '20',
      '--no-shrink',
      '--report-dir',
      options.dir,
    ],
    options.dir,
  );
}
