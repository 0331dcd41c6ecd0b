import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ProbeSnapshot, probeFileOf, readMergedProbe } from '../../bench/hub/probe-files.js';

const dir = mkdtempSync(join(tmpdir(), 'probe-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const snapshot = (pid: number, worker: number | undefined, n: number): ProbeSnapshot => ({
  atMs: 1_000 + n,
  pid,
  ...(worker ? { worker } : {}),
  cpuUs: 100 * n,
  elu: { idle: 10 * n, active: 30 * n },
  rssBytes: 1_000 * n,
  ops: { 'payments.findOne': n, ...(n === 2 ? { 'ledger_transactions.insertMany': 1 } : {}) },
});
const write = (file: string, value: ProbeSnapshot) => writeFileSync(file, JSON.stringify(value));

describe("bench:hub's probe files of a hub cluster", () => {
  it("sums the workers' files, leaving out the primary's, so the ELU is their mean", () => {
    const base = join(dir, 'hub.json');
    write(probeFileOf(base), snapshot(10, undefined, 7));
    write(probeFileOf(base, 1), snapshot(11, 1, 1));
    write(probeFileOf(base, 2), snapshot(12, 2, 2));
    const merged = readMergedProbe(base);
    expect(merged).toMatchObject({
      atMs: 1_002,
      cpuUs: 300,
      rssBytes: 3_000,
      elu: { idle: 30, active: 90 },
      ops: { 'payments.findOne': 3, 'ledger_transactions.insertMany': 1 },
    });
    // Two workers each 75% busy: 90 / (90 + 30).
    expect(merged && merged.elu.active / (merged.elu.active + merged.elu.idle)).toBe(0.75);
  });

  it('reads a single process its own file, and nothing when there is none', () => {
    const base = join(dir, 'worker.json');
    expect(readMergedProbe(base)).toBeUndefined();
    write(base, snapshot(20, undefined, 4));
    expect(readMergedProbe(base)).toEqual(snapshot(20, undefined, 4));
  });
});
