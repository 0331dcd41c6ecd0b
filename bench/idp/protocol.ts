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

export interface ServerStats {
  rssBytes: number;
  /** Peak RSS so far (getrusage maxRSS). */
  maxRssBytes: number;
  heapUsedBytes: number;
  /** process.cpuUsage() of the server process, microseconds. */
  cpuUs: { user: number; system: number };
  /** performance.eventLoopUtilization() totals since the server started. */
  elu: { idle: number; active: number };
  /** Wall clock of the sample, milliseconds. */
  atMs: number;
}
