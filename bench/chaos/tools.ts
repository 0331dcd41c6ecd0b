import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const TOOL_TIMEOUT_MS = 180_000;

export interface ToolRun {
  /** False when the npm script does not exist (yet). */
  available: boolean;
  ok: boolean;
  output: string;
}

/** Whether package.json has this script. */
export function hasScript(name: string): boolean {
  const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return Boolean(pkg.scripts?.[name]);
}

/**
 * Runs `npm run <name> -- ...args` against the run's database (MONGODB_URI, HUB_MONGODB_DB and the
 * rest of `env`), with a time limit; its output is kept for the report.
 */
export function runScript(name: string, args: string[], env: Record<string, string>): Promise<ToolRun> {
  if (!hasScript(name)) return Promise.resolve({ available: false, ok: false, output: '' });
  return new Promise((done) => {
    const child = spawn('npm', ['run', '--silent', name, '--', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), TOOL_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ available: true, ok: code === 0, output: output.trim() });
    });
  });
}
