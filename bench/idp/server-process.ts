import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Ready, Reply, ServerCommand, ServerStats } from './protocol.js';

const SERVER_ENTRY = fileURLToPath(new URL('./server.ts', import.meta.url));
const READY_TIMEOUT_MS = 60_000;

/** The parent's handle on a server child (bench/idp/server.ts) and its IPC commands. */
export class ServerProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly exited: Promise<unknown>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.exited = once(child, 'exit');
    child.on('message', (message: Reply) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.ok) waiting.resolve(message.result);
      else waiting.reject(new Error(message.error));
    });
    child.on('exit', (code) => {
      for (const waiting of this.pending.values()) waiting.reject(new Error(`server exited (${code})`));
      this.pending.clear();
    });
  }

  static async start(mode: 'ours' | 'bare', env: Record<string, string>, cwd: string): Promise<ServerProcess> {
    const child = fork(SERVER_ENTRY, [mode], {
      cwd,
      env: { ...process.env, ...env },
      execArgv: ['--import', 'tsx'],
      // The server's own stdout (its logs, when LOG_LEVEL is not silent) goes nowhere; errors show.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const ready = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${mode} server not ready in ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
      child.on('message', (message: Ready | Reply) => {
        if ('ready' in message) {
          clearTimeout(timer);
          resolve(message.url);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${mode} server exited (${code}) before it was ready`));
      });
    });
    try {
      return new ServerProcess(child, await ready);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  send<T>(command: ServerCommand): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, command });
    });
  }

  stats(): Promise<ServerStats> {
    return this.send<ServerStats>({ cmd: 'stats' });
  }

  /** Stops the server cleanly (its database dropped, connections closed) and waits for the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    try {
      await this.send({ cmd: 'stop' });
    } finally {
      if (this.child.connected) this.child.disconnect();
      await this.exited;
      clearTimeout(killer);
    }
  }
}
