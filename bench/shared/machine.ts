import { cpus, loadavg, totalmem } from 'node:os';

/**
 * The machine a figure came from, recorded beside every benchmark result: throughput depends on
 * it, CPU per operation much less. Load averages are the kernel's 1/5/15-minute run-queue means
 * (Linux `/proc/loadavg`), sampled when the measured window opens.
 */
export interface MachineFacts {
  /** CPU model as the kernel names it (e.g. "AMD EPYC 7B13"). */
  cpu: string;
  /** Logical CPUs Node sees. */
  cores: number;
  /** CPU clock in MHz as reported by the kernel (0 when unknown). */
  mhz: number;
  memoryGb: number;
  node: string;
  /** 1, 5 and 15-minute load averages when sampled. */
  loadAverage: [number, number, number];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The machine this process runs on, now. */
export function machineFacts(): MachineFacts {
  const list = cpus();
  const [one, five, fifteen] = loadavg();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    mhz: list[0]?.speed ?? 0,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    loadAverage: [round2(one ?? 0), round2(five ?? 0), round2(fifteen ?? 0)],
  };
}

/** One line for a report header: "AMD EPYC, 2 cores, Node v20.20.2, load 0.12/0.30/0.41". */
export function describeMachine(machine: MachineFacts): string {
  return (
    `${machine.cpu}, ${machine.cores} cores${machine.mhz ? ` @ ${machine.mhz} MHz` : ''}, ` +
    `${machine.memoryGb} GB, Node ${machine.node}, load ${machine.loadAverage.join('/')}`
  );
}
