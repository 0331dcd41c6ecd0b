import { type BillerHttp, BillerUnavailableError, createBillerHttp } from '../../../adapters/sdk/index.js';
import { SIGNATURE_HEADER, signatureHeader } from '../webhook-signature.js';
import type { SandboxEvent } from './bodies.js';
import type { GatewayTestFaults } from './test-faults.js';

export interface WebhookSenderOptions {
  url?: string;
  secrets: readonly string[];
  timeoutMs: number;
  attempts: number;
  backoffMs: number;
  /** Injected faults: deliveries of an order whose webhooks are dropped are recorded, never sent. */
  faults?: GatewayTestFaults;
}

/** What became of one event, for GET /__sandbox/webhooks. */
export interface Delivery {
  eventId: string;
  type: string;
  orderId: string;
  attempts: number;
  delivered: boolean;
  /** The receiver's last status, or why there was none (e.g. "ECONNREFUSED"). */
  lastResult?: string;
}

interface StoredEvent {
  body: string;
  delivery: Delivery;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Signs and POSTs events to the webhook URL in the background: a timeout per attempt, retries
 * with doubling backoff on any non-2xx answer, timeout or network error. One order's events go
 * out one after another, so a receiver sees pending before captured even across retries.
 */
export class WebhookSender {
  private readonly events = new Map<string, StoredEvent>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly http: BillerHttp | undefined;
  private stopped = false;

  constructor(private readonly options: WebhookSenderOptions) {
    // Retries are ours (they also cover 4xx); the client brings keep-alive and the timeout.
    this.http = options.url
      ? createBillerHttp({
          name: 'sandbox-gateway webhooks',
          baseURL: options.url,
          timeoutMs: options.timeoutMs,
          retries: 0,
        })
      : undefined;
  }

  /** Records the event (for replay) and queues its delivery behind the same order's earlier events. */
  emit(event: SandboxEvent): void {
    const stored: StoredEvent = {
      body: JSON.stringify(event),
      delivery: { eventId: event.id, type: event.type, orderId: event.data.order.id, attempts: 0, delivered: false },
    };
    this.events.set(event.id, stored);
    const orderId = stored.delivery.orderId;
    const next = (this.chains.get(orderId) ?? Promise.resolve()).then(() => this.deliver(stored));
    this.chains.set(orderId, next);
    void next.then(() => {
      if (this.chains.get(orderId) === next) this.chains.delete(orderId);
    });
  }

  /** Sends a past event again, byte for byte (same id); false when there is no such event. */
  replay(eventId: string): boolean {
    const stored = this.events.get(eventId);
    if (!stored) return false;
    void this.deliver(stored);
    return true;
  }

  deliveries(orderId?: string): Delivery[] {
    return [...this.events.values()]
      .map((stored) => ({ ...stored.delivery }))
      .filter((delivery) => !orderId || delivery.orderId === orderId);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.http?.close();
  }

  /** Never rejects: a failed delivery is recorded, not thrown into the checkout. */
  private async deliver(stored: StoredEvent): Promise<void> {
    if (!this.http) return;
    if (this.options.faults?.dropsWebhooks(stored.delivery.orderId)) {
      stored.delivery.lastResult = 'dropped';
      return;
    }
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      if (attempt > 1) await this.sleep(Math.min(MAX_BACKOFF_MS, this.options.backoffMs * 2 ** (attempt - 2)));
      if (this.stopped) return;
      stored.delivery.attempts += 1;
      const result = await this.post(this.http, stored.body);
      stored.delivery.lastResult = result;
      if (/^2\d\d$/.test(result)) {
        stored.delivery.delivered = true;
        return;
      }
    }
  }

  private async post(http: BillerHttp, body: string): Promise<string> {
    try {
      const response = await http.request({
        method: 'POST',
        url: '',
        // A Buffer goes out untouched: the receiver must get exactly the bytes that were signed.
        data: Buffer.from(body),
        headers: {
          'content-type': 'application/json',
          // Signed per attempt, so a late retry is not refused as stale.
          [SIGNATURE_HEADER]: signatureHeader(this.options.secrets, body, Date.now() / 1000),
        },
      });
      return String(response.status);
    } catch (caught) {
      if (caught instanceof BillerUnavailableError) return caught.billerCode ?? 'network error';
      return 'error';
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      // Pending deliveries never keep a process alive on their own.
      timer.unref();
      this.timers.add(timer);
    });
  }
}
