import type { MachineFacts } from './machine.js';

/** What every benchmark result file starts with: when, on what, with which settings and targets. */
export interface ReportHeader<Targets> {
  startedAt: string;
  /** The machine and its load when the first measured window opened (bench/shared/machine.ts). */
  machine: MachineFacts;
  services: { mongo: string; redis: string };
  settings: Record<string, unknown>;
  targets: Targets;
  /** Machine CPU (100 = one core) just before anything started: load from outside. */
  backgroundLoadPercent: number;
}
