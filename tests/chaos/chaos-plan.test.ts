import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../adapters/sandboxes/shared/seeded.js';
import { consumerKeyOf } from '../../bench/chaos/faults.js';
import { chaosPopulation, makePlan } from '../../bench/chaos/plan.js';
import type { ChaosSettings } from '../../bench/chaos/settings.js';

/** The chaos plan: distinct bills for every payment, repeats only as repeat_bill, faults spread. */

const THOUSAND: ChaosSettings = {
  payments: 1_000,
  citizens: 8,
  seed: 7,
  faultRate: 0.3,
  workerKills: 3,
  hubKills: 2,
  redisRestarts: 1,
  quietMs: 20_000,
  settleLimitMs: 300_000,
  logLevel: 'warn',
};

const billOf = (line: { billerId: string; consumer: Record<string, string> }) =>
  `${line.billerId}|${consumerKeyOf(line.consumer)}`;

describe('chaos plan', () => {
  it('a 1,000-payment plan asks for every bill once, except repeat_bill payments, which repeat a fault-free earlier one', () => {
    const plan = makePlan(THOUSAND, seededRandom(THOUSAND.seed));
    expect(plan.consumersPerBiller).toBe(chaosPopulation(1_000));
    const seen = new Map<string, number>();
    for (const payment of plan.payments) {
      if (payment.repeatOf !== undefined) continue;
      for (const line of payment.lines) {
        expect(seen.get(billOf(line)), `payment ${payment.index}`).toBeUndefined();
        seen.set(billOf(line), payment.index);
      }
    }
    expect(seen.size).toBe(plan.distinctBills);
    const repeats = plan.payments.filter((p) => p.repeatOf !== undefined);
    expect(repeats.length).toBeGreaterThan(0);
    expect(repeats.length).toBe(plan.repeats);
    for (const payment of repeats) {
      const earlier = plan.payments[payment.repeatOf as number];
      expect(payment.fault).toBe('repeat_bill');
      expect(earlier?.fault).toBeUndefined();
      expect(earlier?.index).toBeLessThan(payment.index - 2 * THOUSAND.citizens);
      expect(seen.get(billOf(payment.lines[0] as never))).toBe(earlier?.index);
    }
  });

  it('process faults are spread over the run, one in each slice of it, never at its very start or end', () => {
    const plan = makePlan(THOUSAND, seededRandom(THOUSAND.seed));
    const at = plan.processFaults.map((f) => f.atPayment);
    expect(at).toHaveLength(6);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    const slice = (0.85 * THOUSAND.payments) / at.length;
    at.forEach((payment, k) => {
      expect(payment).toBeGreaterThanOrEqual(Math.floor(50 + k * slice));
      expect(payment).toBeLessThan(Math.ceil(50 + (k + 1) * slice));
    });
    expect(plan.processFaults.map((f) => f.kind).sort()).toEqual([
      'hub_kill',
      'hub_kill',
      'redis_restart',
      'worker_kill',
      'worker_kill',
      'worker_kill',
    ]);
  });
});
