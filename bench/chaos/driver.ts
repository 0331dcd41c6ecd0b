import { setTimeout as sleep } from 'node:timers/promises';
import { type Bill, payableOn } from '../../adapters/sdk/index.js';
import {
  type BillerFault,
  countFault,
  type FaultCounts,
  injectBillerFault,
  injectGatewayFault,
  replayWebhooks,
  type SandboxUrls,
} from './faults.js';
import type { ChaosPlan, PlannedPayment } from './plan.js';

/**
 * What became of one planned payment on the citizen's side. paid: the gateway took the citizen's
 * choice; refused: the hub said no (e.g. 409 bill already paid); failed: no answer or an error;
 * repeat_refused: a repeat_bill payment got its expected 409; repeat_accepted: the hub took a
 * checkout for a bill an earlier payment paid (not paid here, reported as a violation); skipped: a
 * repeat_bill whose earlier payment was not paid (its citizen got no capture), so nothing was asked.
 */
export interface DrivenPayment {
  index: number;
  outcome: 'paid' | 'refused' | 'failed' | 'repeat_refused' | 'repeat_accepted' | 'skipped';
  paymentId?: string;
  orderId?: string;
  fault?: string;
  detail?: string;
}

export interface DriveTarget {
  hubUrl: string;
  gatewayUrl: string;
  gatewayApiKey: string;
  sandboxes: SandboxUrls;
  /** One access token per citizen. */
  tokens: string[];
  /** The hub's stored status of a payment (for the report: what the hub knew when a repeat was asked). */
  hubStatus: (paymentId: string) => Promise<string | undefined>;
}

export interface DriveResult {
  payments: DrivenPayment[];
  faults: FaultCounts;
  durationMs: number;
}

const CALL_TIMEOUT_MS = 15_000;
/** A call that fails for want of the hub (killed, restarting) is tried again for this long. */
const RETRY_FOR_MS = 90_000;
/** How long a webhook replay waits for the capture to have been delivered first. */
const REPLAY_WAIT_MS = 20_000;
/**
 * A backstop only: a repeat_bill waits for the earlier order's capture, which the simulate call
 * makes at once; this bounds the wait should the gateway never capture it.
 */
const CAPTURE_WAIT_MS = 120_000;
/** Gateway order statuses that can never turn into a capture. */
const NEVER_CAPTURED = new Set(['failed', 'cancelled', 'expired']);

class HttpAnswer extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status} ${body.slice(0, 200)}`);
  }
}

/** Calls until a 2xx, a 4xx (thrown as HttpAnswer: a real answer) or RETRY_FOR_MS of network errors and 5xx. */
async function call(url: string, init: RequestInit): Promise<string> {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (let wait = 200; ; wait = Math.min(wait * 2, 3_000)) {
    let failure: unknown;
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
      const body = await res.text();
      if (res.ok) return body;
      if (res.status < 500) throw new HttpAnswer(res.status, body);
      failure = new HttpAnswer(res.status, body);
    } catch (error) {
      if (error instanceof HttpAnswer && error.status < 500) throw error;
      failure = error;
    }
    if (Date.now() + wait > deadline) throw failure;
    await sleep(wait);
  }
}

/** Billers' early and late amounts switch at midnight in India, as the hub's checkout checks them. */
const indianToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(new Date());

/**
 * The citizens: each takes the next planned payment, fetches its bills through the hub, checks them
 * out (POST /api/v1/checkouts, retried under the same Idempotency-Key while the hub is down),
 * gets its fault injected, and pays through the gateway's simulate call. `onPaymentStart` runs
 * before each payment with how many others are in flight (the process faults hang on it). Replays of webhooks run in the background
 * and are awaited before this resolves.
 */
export async function drivePayments(
  target: DriveTarget,
  plan: ChaosPlan,
  onPaymentStart: (index: number, inFlight: number) => void,
  log: (line: string) => void,
): Promise<DriveResult> {
  const started = Date.now();
  const results: DrivenPayment[] = [];
  const faults: FaultCounts = {};
  const background: Promise<void>[] = [];
  let next = 0;
  let inFlight = 0;
  const hub = (path: string) => `${target.hubUrl}/api/v1${path}`;

  const driven = new Map<number, Promise<DrivenPayment>>();

  /**
   * Waits for the gateway to report `orderId` captured: true; false when the order can no longer
   * be captured or CAPTURE_WAIT_MS passes. The gateway is the truth about the money: the hub may
   * not have heard of the capture yet (a webhook lost while the hub was down), and need not have.
   */
  const captured = async (orderId: string): Promise<boolean> => {
    const deadline = Date.now() + CAPTURE_WAIT_MS;
    while (Date.now() < deadline) {
      const body = await call(`${target.gatewayUrl}/v1/orders/${encodeURIComponent(orderId)}`, {
        headers: { authorization: `Bearer ${target.gatewayApiKey}` },
      });
      const { status } = JSON.parse(body) as { status: string };
      if (status === 'captured') return true;
      if (NEVER_CAPTURED.has(status)) return false;
      await sleep(500);
    }
    return false;
  };

  /**
   * A repeat_bill: once the earlier payment's order is captured at the gateway, a checkout for its
   * bill must be refused (409 bill_already_paid), whether the hub applied that capture already
   * (it holds the bill) or not yet (its checkout is still awaiting payment: superseding it finds
   * the captured order, applies it and refuses the repeat; README "No bill paid twice").
   */
  const repeat = async (planned: PlannedPayment, token: string, repeatOf: number): Promise<DrivenPayment> => {
    const base = { index: planned.index, fault: 'repeat_bill' };
    const earlier = await driven.get(repeatOf);
    const line = planned.lines[0];
    if (!earlier?.paymentId || !earlier.orderId || earlier.outcome !== 'paid' || !line) {
      return { ...base, outcome: 'skipped', detail: `payment ${repeatOf} was not paid (${earlier?.outcome})` };
    }
    if (!(await captured(earlier.orderId))) {
      return {
        ...base,
        outcome: 'skipped',
        detail: `payment ${repeatOf}: its order ${earlier.orderId} was never captured`,
      };
    }
    const hubHad = `the hub had payment ${repeatOf} ${(await target.hubStatus(earlier.paymentId)) ?? 'missing'} when asked`;
    const authorization = `Bearer ${token}`;
    const body = await call(hub(`/billers/${line.billerId}/bill?${new URLSearchParams(line.consumer)}`), {
      headers: { authorization },
    });
    const { bill } = JSON.parse(body) as { bill: Bill };
    const lines = [{ ...line, billNumber: bill.billNumber, amountMinor: payableOn(bill, indianToday()) }];
    countFault(faults, 'repeat_bill');
    try {
      const created = await call(hub('/checkouts'), {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json', 'idempotency-key': planned.idempotencyKey },
        body: JSON.stringify({ lines }),
      });
      const { payment } = JSON.parse(created) as { payment: { id: string } };
      return {
        ...base,
        outcome: 'repeat_accepted',
        paymentId: payment.id,
        detail: `repeats payment ${repeatOf}; ${hubHad}`,
      };
    } catch (error) {
      // Only the refusal that names the paid bill is the expected answer; any other 409 is reported.
      if (error instanceof HttpAnswer && error.status === 409) {
        const expected = error.body.includes('bill_already_paid');
        return {
          ...base,
          outcome: expected ? 'repeat_refused' : 'refused',
          detail: `${hubHad}: ${error.body.slice(0, 200)}`,
        };
      }
      throw error;
    }
  };

  const pay = async (planned: PlannedPayment, token: string): Promise<DrivenPayment> => {
    if (planned.repeatOf !== undefined) return repeat(planned, token, planned.repeatOf);
    const authorization = `Bearer ${token}`;
    const day = indianToday();
    const lines = await Promise.all(
      planned.lines.map(async ({ billerId, consumer }) => {
        const body = await call(hub(`/billers/${billerId}/bill?${new URLSearchParams(consumer)}`), {
          headers: { authorization },
        });
        const { bill } = JSON.parse(body) as { bill: Bill };
        return { billerId, consumer, billNumber: bill.billNumber, amountMinor: payableOn(bill, day) };
      }),
    );
    let created: string;
    try {
      created = await call(hub('/checkouts'), {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json', 'idempotency-key': planned.idempotencyKey },
        body: JSON.stringify({ lines }),
      });
    } catch (error) {
      if (error instanceof HttpAnswer && error.status === 409) {
        return { index: planned.index, outcome: 'refused', detail: error.body.slice(0, 200) };
      }
      throw error;
    }
    const { payment, checkoutUrl } = JSON.parse(created) as { payment: { id: string }; checkoutUrl: string };
    const orderId = new URL(checkoutUrl).pathname.split('/').pop() ?? '';
    const result: DrivenPayment = { index: planned.index, outcome: 'paid', paymentId: payment.id, orderId };
    const fault = planned.fault;
    const totalMinor = lines.reduce((sum, line) => sum + line.amountMinor, 0);
    if (fault === 'webhook_loss' || fault === 'partial_capture') {
      await injectGatewayFault(target.sandboxes, orderId, fault, totalMinor);
    } else if (fault?.startsWith('biller_')) {
      const line = lines[planned.faultLine] ?? lines[0];
      if (line) {
        await injectBillerFault(
          target.sandboxes,
          line.billerId,
          line.consumer,
          fault as BillerFault,
          planned.burstCalls,
        );
      }
    }
    if (fault) {
      result.fault = fault;
      if (fault !== 'webhook_duplicate' && fault !== 'webhook_out_of_order') countFault(faults, fault);
    }
    // Out of order needs a pending event to replay after the capture: the gateway captures a
    // pending payment by itself a moment later.
    const outcome = fault === 'webhook_out_of_order' ? 'pending' : 'success';
    await call(`${target.gatewayUrl}/v1/orders/${encodeURIComponent(orderId)}/simulate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.gatewayApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ outcome, method: 'upi' }),
    });
    if (fault === 'webhook_duplicate' || fault === 'webhook_out_of_order') {
      background.push(
        replayWebhooks(target.sandboxes, orderId, fault, REPLAY_WAIT_MS)
          .then((replayed) => {
            if (replayed) countFault(faults, fault);
          })
          .catch((error: unknown) => log(`replay for ${orderId} failed: ${String(error)}`)),
      );
    }
    return result;
  };

  const citizen = async (token: string) => {
    while (next < plan.payments.length) {
      const planned = plan.payments[next++] as PlannedPayment;
      onPaymentStart(planned.index, inFlight);
      inFlight++;
      const outcome = pay(planned, token).catch(
        (error: unknown): DrivenPayment => ({
          index: planned.index,
          outcome: 'failed',
          ...(planned.fault ? { fault: planned.fault } : {}),
          detail: error instanceof Error ? error.message.slice(0, 200) : String(error),
        }),
      );
      driven.set(planned.index, outcome);
      results.push(await outcome);
      inFlight--;
      if (results.length % 100 === 0) log(`${results.length}/${plan.payments.length} payments driven`);
    }
  };
  await Promise.all(target.tokens.map(citizen));
  await Promise.all(background);
  results.sort((a, b) => a.index - b.index);
  return { payments: results, faults, durationMs: Date.now() - started };
}
