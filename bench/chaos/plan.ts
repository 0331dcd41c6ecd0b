import { MAX_SANDBOX_CONSUMERS } from '../../adapters/sandboxes/shared/population.js';
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
  /** repeat_bill only: the earlier payment (index) whose bill this one asks to pay again. */
  repeatOf?: number;
}

export interface ChaosPlan {
  payments: PlannedPayment[];
  /** Process faults, fired when the payment with this index starts. */
  processFaults: { atPayment: number; kind: ProcessFault }[];
  /** Consumers per biller the sandboxes are started with (SANDBOX_CONSUMERS). */
  consumersPerBiller: number;
  /** Distinct bills the payments ask for, each by one payment only (repeat_bill aside). */
  distinctBills: number;
  /** Payments planned as repeat_bill: each asks for one bill an earlier payment of the run paid. */
  repeats: number;
}

/**
 * Consumers per biller for a run of `payments`: each payment takes at most one bill per biller,
 * and about 95% of a book pays, so 1.15 × payments (+50) leaves every payment a bill of its own.
 * Never below the sandboxes' default; throws RangeError past MAX_SANDBOX_CONSUMERS.
 */
export function chaosPopulation(payments: number): number {
  const wanted = Math.max(200, Math.ceil(payments * 1.15) + 50);
  if (wanted > MAX_SANDBOX_CONSUMERS) {
    throw new RangeError(`${payments} payments need ${wanted} consumers per biller, over ${MAX_SANDBOX_CONSUMERS}`);
  }
  return wanted;
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
 * The process faults spread over the run: the run is cut in as many equal slices as faults (in
 * shuffled order of kind), each fault at a random point of the middle of its slice, between 5%
 * and 90% of the payments. They fire as that payment starts, so other payments are in flight.
 */
function spreadProcessFaults(settings: ChaosSettings, random: () => number): ChaosPlan['processFaults'] {
  const kinds = shuffled<ProcessFault>(
    [
      ...Array<ProcessFault>(settings.workerKills).fill('worker_kill'),
      ...Array<ProcessFault>(settings.hubKills).fill('hub_kill'),
      ...Array<ProcessFault>(settings.redisRestarts).fill('redis_restart'),
    ],
    random,
  );
  return kinds.map((kind, k) => {
    const inSlice = (k + 0.25 + 0.5 * random()) / kinds.length;
    return { atPayment: Math.floor(settings.payments * (0.05 + 0.85 * inSlice)), kind };
  });
}

/**
 * The whole run decided up front from the seed: each payment's bills (1-3 consumers of distinct
 * billers, each consumer used by one payment only, from books of chaosPopulation(payments) per
 * biller), its fault, and when the worker, the hub and Redis are killed. A repeat_bill payment
 * asks for one bill of an earlier fault-free payment, far enough back to be paid by then.
 * Throws when a biller's book runs out (it cannot with chaosPopulation's size).
 */
export function makePlan(settings: ChaosSettings, random: () => number): ChaosPlan {
  const consumersPerBiller = chaosPopulation(settings.payments);
  const pools = payingConsumers(consumersPerBiller).map((pool) => shuffled(pool, random));
  const cursors = pools.map(() => 0);
  const payments: PlannedPayment[] = [];
  const kinds = settings.faultKinds?.length ? settings.faultKinds : PAYMENT_FAULTS;
  const clean: number[] = [];
  for (let index = 0; index < settings.payments; index++) {
    const count = 1 + Math.floor(random() * 3);
    const chosen = shuffled([0, 1, 2], random).slice(0, count);
    let fault = random() < settings.faultRate ? kinds[Math.floor(random() * kinds.length)] : undefined;
    let repeatOf: number | undefined;
    let lines: PlannedLine[];
    // Far enough back that every citizen has moved on from it.
    const targets = clean.filter((i) => i < index - 2 * settings.citizens);
    if (fault === 'repeat_bill' && targets.length > 0) {
      repeatOf = targets[Math.floor(random() * targets.length)] as number;
      const earlier = payments[repeatOf] as PlannedPayment;
      lines = [earlier.lines[Math.floor(random() * earlier.lines.length)] as PlannedLine];
    } else {
      if (fault === 'repeat_bill') fault = undefined;
      lines = chosen.map((poolIndex) => {
        const pool = pools[poolIndex] ?? [];
        const cursor = cursors[poolIndex] ?? 0;
        cursors[poolIndex] = cursor + 1;
        const line = pool[cursor];
        if (!line) throw new Error(`biller ${poolIndex} has only ${pool.length} paying consumers for this run`);
        return line;
      });
      if (!fault) clean.push(index);
    }
    payments.push({
      index,
      idempotencyKey: `chaos-${settings.seed}-${index}-${Math.floor(random() * 1e9).toString(36)}`,
      lines,
      ...(fault ? { fault } : {}),
      faultLine: Math.floor(random() * lines.length),
      burstCalls: 2 + Math.floor(random() * 3),
      ...(repeatOf === undefined ? {} : { repeatOf }),
    });
  }
  return {
    payments,
    processFaults: spreadProcessFaults(settings, random),
    consumersPerBiller,
    distinctBills: cursors.reduce((sum, n) => sum + n, 0),
    repeats: payments.filter((p) => p.repeatOf !== undefined).length,
  };
}
