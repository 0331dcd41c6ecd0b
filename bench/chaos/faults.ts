import { CHAOS_TIMINGS } from './settings.js';

/** The faults one payment can get (at most one each), chosen by the seeded plan. */
export const PAYMENT_FAULTS = [
  'biller_5xx_burst',
  'biller_timeout',
  'biller_late_confirmation',
  'biller_reject',
  'webhook_loss',
  'webhook_duplicate',
  'webhook_out_of_order',
  'partial_capture',
  // Not a fault of the system: a citizen asks to pay a bill an earlier payment of the run paid
  // (its order captured at the gateway, whether or not the hub has heard yet); the expected answer
  // is 409 bill_already_paid.
  'repeat_bill',
] as const;
export type PaymentFault = (typeof PAYMENT_FAULTS)[number];
export type BillerFault = Extract<PaymentFault, `biller_${string}`>;

/** Faults on whole processes, at random moments of the run. */
export type ProcessFault = 'worker_kill' | 'hub_kill' | 'redis_restart';
export type FaultKind = PaymentFault | ProcessFault;

/** How many faults of each kind were injected (asked for and acknowledged by the sandbox). */
export type FaultCounts = Partial<Record<FaultKind, number>>;

export const countFault = (counts: FaultCounts, kind: FaultKind) => {
  counts[kind] = (counts[kind] ?? 0) + 1;
};

export interface SandboxUrls {
  /** Each biller id's sandbox origin. */
  billers: Record<string, string>;
  gateway: string;
}

const TIMEOUT_MS = 10_000;

async function control(url: string, body: object): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
}

/** The sandbox's key for a consumer: the single value of its consumer params. */
export const consumerKeyOf = (consumer: Record<string, string>) => Object.values(consumer)[0] ?? '';

/**
 * Injects a biller fault for one consumer through /__sandbox/faults. Each is bounded (by count or
 * by time) so a later status enquiry can learn the truth:
 * - 5xx burst: the next `burstCalls` calls answer 503 (retries must get through);
 * - timeout: answers slower than the adapter's timeout for a while, the posting still recorded
 *   (an ambiguous answer);
 * - late confirmation: the posting stays pending past the hub's poll limit, then is accepted;
 * - reject: the posting is refused for good (the only answer that may lead to a refund).
 */
export async function injectBillerFault(
  urls: SandboxUrls,
  billerId: string,
  consumer: Record<string, string>,
  kind: BillerFault,
  burstCalls: number,
): Promise<void> {
  const base = urls.billers[billerId];
  if (!base) throw new Error(`no sandbox for biller ${billerId}`);
  const target = { consumer: consumerKeyOf(consumer) };
  const url = `${base}/__sandbox/faults`;
  switch (kind) {
    case 'biller_5xx_burst':
      return control(url, { ...target, kind: 'error_5xx', times: burstCalls });
    case 'biller_timeout':
      return control(url, {
        ...target,
        kind: 'latency',
        ms: CHAOS_TIMINGS.slowBillerMs,
        forMs: CHAOS_TIMINGS.slowForMs,
      });
    case 'biller_late_confirmation':
      return control(url, { ...target, kind: 'pending_then_accept', ms: CHAOS_TIMINGS.lateConfirmMs, times: 1 });
    case 'biller_reject':
      return control(url, { ...target, kind: 'reject', times: 1 });
  }
}

/** Webhook loss (every delivery of the order dropped) or a partial capture (half the amount). */
export async function injectGatewayFault(
  urls: SandboxUrls,
  orderId: string,
  kind: 'webhook_loss' | 'partial_capture',
  amountMinor: number,
): Promise<void> {
  const url = `${urls.gateway}/__sandbox/faults`;
  if (kind === 'webhook_loss') return control(url, { order: orderId, kind: 'drop_webhooks' });
  return control(url, { order: orderId, kind: 'partial_capture', amount: Math.max(1, Math.floor(amountMinor / 2)) });
}

interface Delivery {
  eventId: string;
  type: string;
  delivered: boolean;
}

async function deliveries(urls: SandboxUrls, orderId: string): Promise<Delivery[]> {
  const res = await fetch(`${urls.gateway}/__sandbox/webhooks?order=${encodeURIComponent(orderId)}`, {
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`webhook list answered ${res.status}`);
  return ((await res.json()) as { deliveries: Delivery[] }).deliveries;
}

/**
 * Replays past events of an order once its capture was delivered (or after `waitMs`):
 * duplicate = order.captured twice more; out of order = order.pending after order.captured.
 * Returns false when there was nothing to replay (the capture never went out).
 */
export async function replayWebhooks(
  urls: SandboxUrls,
  orderId: string,
  kind: 'webhook_duplicate' | 'webhook_out_of_order',
  waitMs: number,
): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  let list = await deliveries(urls, orderId);
  while (!list.some((d) => d.type === 'order.captured' && d.delivered) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    list = await deliveries(urls, orderId);
  }
  const wanted = kind === 'webhook_duplicate' ? 'order.captured' : 'order.pending';
  const events = list.filter((d) => d.type === wanted);
  if (events.length === 0) return false;
  const replays = kind === 'webhook_duplicate' ? [...events, ...events] : events;
  for (const event of replays) await control(`${urls.gateway}/__sandbox/webhooks/replay`, { eventId: event.eventId });
  return true;
}
