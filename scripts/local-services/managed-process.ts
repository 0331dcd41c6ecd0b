import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

/** Every child started here; killed synchronously if this process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

let pdeathsigSupported: boolean | undefined;
/**
 * On Linux, setpriv --pdeathsig makes the kernel kill the child when we die, even by SIGKILL,
 * which no exit handler can cover.
 */
function withParentDeathSignal(command: string, args: string[]): [string, string[]] {
  if (process.platform !== 'linux') return [command, args];
  pdeathsigSupported ??= spawnSync('setpriv', ['--pdeathsig', 'KILL', 'true']).status === 0;
  return pdeathsigSupported ? ['setpriv', ['--pdeathsig', 'KILL', command, ...args]] : [command, args];
}

export function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v "$1"`, 'sh', command], { stdio: 'ignore' }).status === 0;
}

export class MissingToolError extends Error {
  constructor(tool: string, remedy: string) {
    super(`${tool} was not found on PATH. ${remedy}`);
    this.name = 'MissingToolError';
  }
}

export interface ManagedProcess {
  child: ChildProcess;
  /** The last lines the process wrote, for error messages. */
  output: () => string;
  /** Calls the listener with every later line the process writes. */
  onLine: (listener: (line: string) => void) => void;
  /** Resolves with the first stdout line matching the pattern, rejects if the process exits first. */
  waitForLine: (pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>;
  stop: (graceMs?: number) => Promise<void>;
}

export function startManaged(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): ManagedProcess {
  const [cmd, argv] = withParentDeathSignal(command, args);
  // stdin stays an open pipe: children that watch it (the Mongo launcher) exit when it closes.
  // Detached: each child leads its own process group, so a terminal's Ctrl-C (SIGINT to the
  // foreground group) reaches only the parent, which stops services before Redis and MongoDB.
  const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'], env, detached: true });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));

  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 40) lines.shift();
      for (const listener of listeners) listener(line);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.on('error', (error) => lines.push(`${name}: ${error.message}`));

  const output = () => lines.join('\n');

  const waitForLine = (pattern: RegExp, timeoutMs: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const done = (finish: () => void) => {
        clearTimeout(timer);
        listeners.delete(onMatch);
        finish();
      };
      const onMatch = (line: string) => {
        const match = line.match(pattern);
        if (match) done(() => resolve(match));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`${name} not ready after ${timeoutMs} ms:\n${output()}`))),
        timeoutMs,
      );
      listeners.add(onMatch);
      void exited.then(() => done(() => reject(new Error(`${name} exited during start-up:\n${output()}`))));
    });

  const stop = async (graceMs = 5_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin?.end();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  const onLine = (listener: (line: string) => void) => {
    listeners.add(listener);
  };

  return { child, output, onLine, waitForLine, stop };
}
