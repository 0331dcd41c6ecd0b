/** What every benchmark result file starts with: when, on what, with which settings and targets. */
export interface ReportHeader<Targets> {
  startedAt: string;
  machine: { cpu: string; cores: number; node: string };
  services: { mongo: string; redis: string };
  settings: Record<string, unknown>;
  targets: Targets;
  /** Machine CPU (100 = one core) just before anything started: load from outside. */
  backgroundLoadPercent: number;
}
