import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateConsumers } from '../../adapters/electricity-discom/sandbox/data.js';
import { DEFAULT_SEED as GAS_SANDBOX_SEED } from '../../adapters/piped-gas/sandbox/app.js';
import { buildAccounts } from '../../adapters/piped-gas/sandbox/data.js';
import { DEFAULT_SANDBOX_CONSUMERS, MAX_SANDBOX_CONSUMERS } from '../../adapters/sandboxes/shared/population.js';
import { type Bill, payableOn } from '../../adapters/sdk/index.js';
import { createConnections } from '../../adapters/water-board/sandbox/data.js';
import type { HttpClient, HttpResponse } from '../idp/http-client.js';

export interface Consumer {
  billerId: string;
  consumer: Record<string, string>;
}

/**
 * The sandboxes' seeded consumers that pay, one list per biller (electricity, water, gas), out of
 * books of `perBiller` consumers (SANDBOX_CONSUMERS of the sandboxes run; default 200): everyone
 * but the ones their biller refuses (a disconnected electricity account or water connection, a
 * blocked gas BP). About 95% of each book pays.
 */
export function payingConsumers(perBiller = DEFAULT_SANDBOX_CONSUMERS): Consumer[][] {
  return [
    [...generateConsumers(undefined, perBiller).values()]
      .filter((c) => c.status === 'ACTIVE')
      .map((c) => ({ billerId: 'state-electricity', consumer: { consumerNumber: c.number } })),
    [...createConnections(undefined, perBiller).values()]
      .filter((c) => !c.disconnected)
      .map((c) => ({ billerId: 'city-water', consumer: { connectionId: c.id } })),
    [...buildAccounts(GAS_SANDBOX_SEED, perBiller).values()]
      .filter((a) => !a.blocked)
      .map((a) => ({ billerId: 'metro-gas', consumer: { bpNumber: a.bpNo } })),
  ];
}

/**
 * Consumers per biller for a closed-loop run of `seconds` (warm-up, window and tail) that never
 * asks for a bill twice: `maxCheckoutsPerSecond` (one bill per biller each) over the whole run,
 * over the ~95% of a book that pays, plus a margin; never below the sandboxes' default. Throws
 * RangeError past MAX_SANDBOX_CONSUMERS (lower the rate or the run's length).
 */
export function benchPopulation(maxCheckoutsPerSecond: number, seconds: number): number {
  const wanted = Math.max(DEFAULT_SANDBOX_CONSUMERS, Math.ceil((maxCheckoutsPerSecond * seconds) / 0.9) + 100);
  if (wanted > MAX_SANDBOX_CONSUMERS) {
    throw new RangeError(
      `${maxCheckoutsPerSecond} checkouts/s over ${seconds} s need ${wanted} consumers per biller, over ${MAX_SANDBOX_CONSUMERS}`,
    );
  }
  return wanted;
}

export interface CitizenTarget {
  http: HttpClient;
  hubUrl: string;
  gatewayUrl: string;
  gatewayApiKey: string;
  /** One access token per citizen. */
  tokens: string[];
  consumers: Consumer[][];
  /** The first consumer of every pool this load may use (an earlier load used those before it). */
  firstConsumer?: number;
}

export interface LoadWindow {
  /**
   * Runs while the load warms up and resolves when the window may open (e.g. warmUntilStable over
   * `completed`, the iterations finished so far); none = the window opens at once. Closed-loop
   * load runs from now until the window's end + tail; only the window counts.
   */
  warmUp?: (completed: () => number, loadOver: () => boolean) => Promise<unknown>;
  durationMs: number;
  /** More load after the window (for the CPU profiles), not counted. */
  tailMs: number;
  onWindowStart: () => Promise<void>;
  onWindowEnd: () => Promise<void>;
  /** Stop once this many payments have been paid (the settlement capacity phase's backlog). */
  stopAfterPaid?: number;
}

export interface CitizenLoadResult {
  citizens: number;
  /** Epoch ms of the window. */
  windowStartMs: number;
  windowEndMs: number;
  /** POST /checkouts answered 201 within the window, and how long each took. */
  checkoutMs: number[];
  /** The epoch ms each of those ended, in the same order. */
  checkoutEndedAt: number[];
  /** Each of the three bill fetches of an iteration ended in the window. */
  billFetchMs: number[];
  simulateMs: number[];
  /** Iterations (3 bill fetches, checkout, simulate) completed in the window. */
  iterations: number;
  /** Failed calls in the window, by step. */
  errors: { bill: number; checkout: number; simulate: number };
  /**
   * Checkouts the hub refused with 409 (a bill already paid or in another checkout), whole run:
   * not errors of the hub, but a sign the population was too small. Expected: 0.
   */
  conflicts: number;
  /** True when every consumer was used before the run's end: the citizens stopped early. */
  populationExhausted: boolean;
  errorSamples: Record<string, number>;
  /** Every payment paid through the gateway (whole run), with the epoch ms its simulate call started. */
  simulatedAt: Map<string, number>;
  checkoutsCreated: number;
  simulateFailures: number;
  /** The next unused consumer of every pool: where a later load starts (firstConsumer). */
  nextConsumer: number;
}

type Step = 'bill' | 'checkout' | 'simulate';

/** The hub refused a checkout with 409: counted apart from errors. */
class ConflictError extends Error {}

/** A failed call, by the step of the loop it failed in. */
class StepError extends Error {
  constructor(
    readonly step: Step,
    detail: string,
  ) {
    super(`${step}: ${detail}`);
  }
}

/** Billers' early and late amounts switch at midnight in India, as the hub's checkout checks them. */
const indianToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(new Date());

/**
 * N citizens, each in a loop: fetch the current bills of an electricity, a water and a gas consumer
 * (through the hub, concurrently, as the dues page does), check out the three with a fresh
 * Idempotency-Key, pay the order through the sandbox gateway's simulate call, and go on without
 * waiting for settlement. Each iteration takes the next consumer of every pool, so no bill is
 * asked for twice; when a pool runs out the citizens stop (populationExhausted). A 409 checkout
 * is counted in `conflicts`, not as an error.
 */
export async function runCitizens(target: CitizenTarget, window: LoadWindow): Promise<CitizenLoadResult> {
  // The window's bounds are known once the warm-up is over; until then nothing is in it.
  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.POSITIVE_INFINITY;
  let stopAt = Number.POSITIVE_INFINITY;
  const result: CitizenLoadResult = {
    citizens: target.tokens.length,
    windowStartMs: 0,
    windowEndMs: 0,
    checkoutMs: [],
    checkoutEndedAt: [],
    billFetchMs: [],
    simulateMs: [],
    iterations: 0,
    errors: { bill: 0, checkout: 0, simulate: 0 },
    conflicts: 0,
    populationExhausted: false,
    errorSamples: {},
    simulatedAt: new Map(),
    checkoutsCreated: 0,
    simulateFailures: 0,
    nextConsumer: target.firstConsumer ?? 0,
  };
  const inWindow = (at: number) => at >= windowStart && at <= windowEnd;
  let completed = 0;
  let loadOver = false;
  const windowTimers = (async () => {
    await window.warmUp?.(
      () => completed,
      () => loadOver,
    );
    if (loadOver) return;
    windowStart = Date.now();
    windowEnd = windowStart + window.durationMs;
    stopAt = windowEnd + window.tailMs;
    result.windowStartMs = windowStart;
    result.windowEndMs = windowEnd;
    await window.onWindowStart();
    await sleep(Math.max(0, windowEnd - Date.now()));
    await window.onWindowEnd();
  })();
  const hub = (path: string) => new URL(`/api/v1${path}`, target.hubUrl);
  const simulateHeaders = {
    authorization: `Bearer ${target.gatewayApiKey}`,
    'content-type': 'application/json',
  };
  const simulateBody = JSON.stringify({ outcome: 'success', method: 'upi' });

  /** Times a call; only successful answers that end inside the window are kept. Anything else throws. */
  const timed = async (
    step: Step,
    list: number[],
    okStatus: number,
    call: () => Promise<HttpResponse>,
    endedAt?: number[],
  ) => {
    const begun = performance.now();
    const response = await call().catch((error: unknown) => {
      throw new StepError(step, error instanceof Error ? error.message : String(error));
    });
    if (step === 'checkout' && response.status === 409) {
      throw new ConflictError(`checkout: HTTP 409 ${response.body.slice(0, 160)}`);
    }
    if (response.status !== okStatus) {
      throw new StepError(step, `HTTP ${response.status} ${response.body.slice(0, 160)}`);
    }
    const now = Date.now();
    if (inWindow(now)) {
      list.push(performance.now() - begun);
      endedAt?.push(now);
    }
    return response;
  };

  /** Each iteration pays the next consumer of every biller, so no bill is asked for twice. */
  const available = Math.min(...target.consumers.map((pool) => pool.length));

  const iteration = async (citizen: number) => {
    const authorization = `Bearer ${target.tokens[citizen]}`;
    const pick = result.nextConsumer++;
    const day = indianToday();
    const lines = await Promise.all(
      target.consumers.map(async (pool) => {
        const { billerId, consumer } = pool[pick] as Consumer;
        const url = hub(`/billers/${billerId}/bill?${new URLSearchParams(consumer)}`);
        const res = await timed('bill', result.billFetchMs, 200, () =>
          target.http.send(url, { headers: { authorization } }),
        );
        const { bill } = JSON.parse(res.body) as { bill: Bill };
        return { billerId, consumer, billNumber: bill.billNumber, amountMinor: payableOn(bill, day) };
      }),
    );
    const checkout = await timed(
      'checkout',
      result.checkoutMs,
      201,
      () =>
        target.http.send(hub('/checkouts'), {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: JSON.stringify({ lines }),
        }),
      result.checkoutEndedAt,
    );
    result.checkoutsCreated++;
    const { payment, checkoutUrl } = JSON.parse(checkout.body) as { payment: { id: string }; checkoutUrl: string };
    // The payment view does not show the gateway's order id; the hosted checkout URL ends with it.
    const orderId = new URL(checkoutUrl).pathname.split('/').pop() ?? '';
    const simulatedAt = Date.now();
    try {
      await timed('simulate', result.simulateMs, 200, () =>
        target.http.send(new URL(`/v1/orders/${orderId}/simulate`, target.gatewayUrl), {
          method: 'POST',
          headers: simulateHeaders,
          body: simulateBody,
        }),
      );
    } catch (error) {
      result.simulateFailures++;
      throw error;
    }
    result.simulatedAt.set(payment.id, simulatedAt);
    completed++;
  };
  const paidEnough = () => window.stopAfterPaid !== undefined && result.simulatedAt.size >= window.stopAfterPaid;

  const citizen = async (index: number) => {
    while (Date.now() < stopAt && !paidEnough()) {
      if (result.nextConsumer >= available) {
        result.populationExhausted = true;
        return;
      }
      try {
        await iteration(index);
        if (inWindow(Date.now())) result.iterations++;
      } catch (error) {
        if (error instanceof ConflictError) result.conflicts++;
        else if (inWindow(Date.now())) result.errors[error instanceof StepError ? error.step : 'bill']++;
        const message = error instanceof Error ? error.message : String(error);
        if (Object.keys(result.errorSamples).length < 20 || message in result.errorSamples) {
          result.errorSamples[message] = (result.errorSamples[message] ?? 0) + 1;
        }
        // A failing hub answers fast; do not spin on it.
        await sleep(50);
      }
    }
  };
  await Promise.all(target.tokens.map((_, index) => citizen(index)));
  // Load that ended before its window did (population used up, a backlog complete): the window
  // still opens and closes, once, so its hooks run.
  loadOver = true;
  if (windowStart === Number.POSITIVE_INFINITY) {
    windowStart = Date.now();
    windowEnd = windowStart;
    result.windowStartMs = windowStart;
    result.windowEndMs = windowEnd;
    await window.onWindowStart();
    await window.onWindowEnd();
  } else {
    await windowTimers;
  }
  return result;
}
