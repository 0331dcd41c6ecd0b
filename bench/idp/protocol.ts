/** Messages between the benchmark (parent) and a server child over the IPC channel. */

export type ServerCommand =
  | { cmd: 'stats' }
  | { cmd: 'profile-start'; intervalUs: number }
  | { cmd: 'profile-stop'; file: string }
  | { cmd: 'mint'; count: number }
  | { cmd: 'stop' };

export interface Request {
  id: number;
  command: ServerCommand;
}

export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export interface Ready {
  ready: true;
  url: string;
}

/** One process of the server under test: the idp's single process, or its cluster primary or a worker. */
export interface ServerProcessStats {
  pid: number;
  role: 'single' | 'primary' | 'worker';
  /** The cluster worker id (workers only). */
  worker?: number;
  rssBytes: number;
  maxRssBytes: number;
  /** performance.eventLoopUtilization() totals since the process started. */
  elu: { idle: number; active: number };
  /** MongoDB operations mongoose sent since the process started, by `<collection>.<method>` (its debug hook). */
  mongoOps: Record<string, number>;
}

export interface ServerStats {
  /** Every process serving (one, or a cluster primary and its workers); the figures below are their sums. */
  processes: ServerProcessStats[];
  rssBytes: number;
  /** Peak RSS so far (getrusage maxRSS). */
  maxRssBytes: number;
  /** performance.eventLoopUtilization() totals since start, summed over the processes that serve (workers). */
  elu: { idle: number; active: number };
  /** MongoDB operations since start, summed over the processes, by `<collection>.<method>`. */
  mongoOps: Record<string, number>;
  /** Wall clock of the sample, milliseconds. */
  atMs: number;
}
