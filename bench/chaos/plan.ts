import { payingConsumers } from '../hub/citizens.js';
import { PAYMENT_FAULTS, type PaymentFault, type ProcessFault } from './faults.js';
import type { ChaosSettings } from './settings.js';

export interface PlannedLine {
  billerId: string;
  consumer: Record<string, string>;
}

export interface PlannedPayment {
  index: number;
  /** The client's Idempotency-Key: the same on every retry of this checkout. */
  idempotencyKey: string;
  lines: PlannedLine[];
  fault?: PaymentFault;
  /** Which line a biller fault hits. */
  faultLine: number;
  /** How many calls a 5xx burst answers 503 (2-4). */
  burstCalls: number;
  /** It asks to pay a bill an earlier payment of the run already paid: the hub must refuse it (409). */
  repeatsABill: boolean;
}

export interface ChaosPlan {
  payments: PlannedPayment[];
  /** Process faults, fired when the payment with this index starts. */
  processFaults: { atPayment: number; kind: ProcessFault }[];
  /** Distinct bills available; payments past them pay a bill a second time. */
  distinctBills: number;
  /** Payments with at least one bill an earlier payment already paid. */
  repeats: number;
}

function shuffled<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/**
 * The whole run decided up front from the seed: each payment's bills (1-3 distinct consumers, taken
 * in turn from shuffled pools, so no two payments in flight share a bill), its fault, and when the
 * worker, the hub and Redis are killed. A consumer is used again only after every other one of its
 * pool: with more payments than bills (the sandboxes have about 570 that pay), the later ones ask
 * to pay a bill again, which the hub must refuse unless the earlier line was refunded.
 */
export function makePlan(settings: ChaosSettings, random: () => number): ChaosPlan {
  const pools = payingConsumers().map((pool) => shuffled(pool, random));
  const cursors = pools.map(() => 0);
  const payments: PlannedPayment[] = [];
  const kinds = settings.faultKinds?.length ? settings.faultKinds : PAYMENT_FAULTS;
  for (let index = 0; index < settings.payments; index++) {
    const count = 1 + Math.floor(random() * 3);
    const chosen = shuffled([0, 1, 2], random).slice(0, count);
    let repeatsABill = false;
    const lines = chosen.map((poolIndex) => {
      const pool = pools[poolIndex] ?? [];
      const cursor = cursors[poolIndex] ?? 0;
      cursors[poolIndex] = cursor + 1;
      if (cursor >= pool.length) repeatsABill = true;
      return pool[cursor % pool.length] as PlannedLine;
    });
    const fault = random() < settings.faultRate ? kinds[Math.floor(random() * kinds.length)] : undefined;
    payments.push({
      index,
      idempotencyKey: `chaos-${settings.seed}-${index}-${Math.floor(random() * 1e9).toString(36)}`,
      lines,
      ...(fault ? { fault } : {}),
      faultLine: Math.floor(random() * lines.length),
      burstCalls: 2 + Math.floor(random() * 3),
      repeatsABill,
    });
  }
  const processFaults: ChaosPlan['processFaults'] = [];
  const at = () => Math.floor(settings.payments * (0.1 + random() * 0.7));
  for (let i = 0; i < settings.workerKills; i++) processFaults.push({ atPayment: at(), kind: 'worker_kill' });
  for (let i = 0; i < settings.hubKills; i++) processFaults.push({ atPayment: at(), kind: 'hub_kill' });
  for (let i = 0; i < settings.redisRestarts; i++) processFaults.push({ atPayment: at(), kind: 'redis_restart' });
  processFaults.sort((a, b) => a.atPayment - b.atPayment);
  return {
    payments,
    processFaults,
    distinctBills: pools.reduce((sum, pool) => sum + pool.length, 0),
    repeats: payments.filter((p) => p.repeatsABill).length,
  };
}
