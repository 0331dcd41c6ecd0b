import type { Job } from 'bullmq';
import type { Logger } from '../../infra/logger.js';
import type { Channel, Notifier } from '../../infra/notifier/index.js';
import { DEFAULT_LOCALE, type Locale } from '../../infra/web/locale.js';
import type { SettingsStore } from '../citizen-settings/settings-store.js';
import type { ContactStore } from '../contacts/contact-store.js';
import type { SettlementJobData, SettlementQueue } from '../settlement/queue.js';
import { chooseChannels } from './channels.js';
import { type DeliverOutcome, deliver } from './deliver.js';
import type { DeliveryStatus } from './delivery-model.js';
import type { DeliveryRate, DeliveryStore } from './delivery-store.js';
import type { DemandLookup } from './demand-lookup.js';
import {
  deliveryKey,
  deliveryKeys,
  eventKey,
  type NotificationEvent,
  type NotificationKind,
  type RefundedDemand,
  referenceOf,
} from './events.js';
import type { NotificationOptions } from './options.js';
import { enqueueDelivery } from './queue.js';
import type { Render } from './render.js';

export interface NotificationsDeps {
  deliveries: DeliveryStore;
  /** The verified email and phone the idp vouched for (hub/contacts). */
  contacts: Pick<ContactStore, 'find'>;
  /** The citizen's language and channel (hub/citizen-settings). */
  settings: Pick<SettingsStore, 'find'>;
  render: Render;
  notifier: Pick<Notifier, 'send'>;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  options: NotificationOptions;
  /** Finds the payment demand a payment line paid (demand-lookup.ts); without it, lines are named by biller. */
  demands?: DemandLookup;
  /**
   * How long a message that a later one may supersede waits before it is sent (default 60 s):
   * a refund started and completed within it is told once, by the completion.
   */
  coalesceMs?: number;
  /**
   * The work queue the `notify` jobs go on. Without it (scripts, tests of other parts) a message is
   * sent at once in the caller's process, and a failure throws to the caller, whose retry sends it.
   */
  queue?: SettlementQueue;
}

/**
 * Messages that wait before they are sent, and the later kind (about the same line, on the same
 * channel) that makes them unneeded: "refund started" is not sent once "refund completed" is
 * recorded, so a refund done at once gives the citizen one message, not two in the same second.
 */
const SUPERSEDED_BY: Partial<Record<NotificationKind, NotificationKind>> = { refund_started: 'refund_completed' };

const DEFAULT_COALESCE_MS = 60_000;

/** Whom a message goes to (Notifications.audience). */
export interface Audience {
  contact: { email?: string; phone?: string };
  /** Empty: nobody to tell. */
  channels: Channel[];
  locale: Locale;
}

/** What notify did: the channels chosen, and each one's record (created now, or found from an earlier run). */
export interface NotifyResult {
  channels: Channel[];
  deliveries: { id: string; channel: Channel; created: boolean; status: DeliveryStatus }[];
}

/**
 * The citizen's messages. `notify(event)` picks the channels (the citizen's choice among their
 * known contacts), renders the event's SMS or email in the citizen's language, records one
 * delivery per channel under the event's dedupe key, and hands each queued record to its `notify`
 * job, which sends it through the notifier and records the outcome (see deliver). The same event
 * told again finds its records and sends nothing new.
 */
export class Notifications {
  constructor(private readonly deps: NotificationsDeps) {}

  private get coalesceMs(): number {
    return this.deps.coalesceMs ?? DEFAULT_COALESCE_MS;
  }

  /**
   * Whom an event goes to: the citizen's contact (the one the idp verified first, the event's to
   * fill what it lacks), the channels they chose among it, and their language. No channels: nobody
   * to tell. Reads the citizen's contact and settings.
   */
  async audience(event: NotificationEvent): Promise<Audience> {
    const { citizenSub } = event;
    const [known, settings] = citizenSub
      ? await Promise.all([this.deps.contacts.find(citizenSub), this.deps.settings.find(citizenSub)])
      : [null, null];
    const contact = {
      email: known?.email ?? event.contact?.email,
      phone: known?.phone ?? event.contact?.phone,
    };
    return {
      contact,
      channels: chooseChannels(contact, settings?.channel ?? event.channel),
      locale: settings?.language ?? event.locale ?? DEFAULT_LOCALE,
    };
  }

  /** Records and sends the event (see the class); `audience` when the caller worked it out already. */
  async notify(event: NotificationEvent, audience?: Audience): Promise<NotifyResult> {
    const { citizenSub } = event;
    const { contact, channels, locale } = audience ?? (await this.audience(event));
    const key = eventKey(event);
    const result: NotifyResult = { channels, deliveries: [] };
    for (const channel of channels) {
      const message = this.deps.render(event, locale, channel);
      const { delivery, created } = await this.deps.deliveries.record({
        key: deliveryKey(key, channel),
        kind: event.kind,
        channel,
        to: (channel === 'email' ? contact.email : contact.phone) as string,
        locale,
        reference: referenceOf(event),
        ...(citizenSub ? { citizenSub } : {}),
        ...message,
      });
      result.deliveries.push({ id: delivery._id, channel, created, status: delivery.status });
    }
    // Every channel is recorded before any is handed on: a catch-up that finds one record (the
    // receipts', the failed payments') takes the event as told, so none may be left unrecorded by
    // a dispatch that throws.
    for (const delivery of result.deliveries) {
      if (delivery.status === 'queued') await this.dispatch(delivery.id, event.kind);
    }
    if (channels.length === 0) this.deps.log.info({ kind: event.kind, key }, 'no contact to notify');
    return result;
  }

  /**
   * Sends one recorded message (the `notify` job's work); a failure throws for the job's retry.
   * A message whose superseding one (SUPERSEDED_BY) was recorded meanwhile is not sent.
   */
  async deliver(deliveryId: string, lastAttempt: boolean): Promise<DeliverOutcome> {
    if (await this.superseded(deliveryId)) return 'superseded';
    return deliver(
      {
        deliveries: this.deps.deliveries,
        notifier: this.deps.notifier,
        log: this.deps.log,
        sendTimeoutMs: this.deps.options.sendTimeoutMs,
      },
      deliveryId,
      { lastAttempt },
    );
  }

  /** The `notify` job's handler: the job's last attempt marks the record failed if it fails too. */
  runJob(job: Job<SettlementJobData>): Promise<DeliverOutcome> {
    if (!job.data.deliveryId) throw new Error(`notify job ${job.id} has no deliveryId`);
    return this.deliver(job.data.deliveryId, job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
  }

  /** The delivery records (for queries across them). */
  get deliveries(): DeliveryStore {
    return this.deps.deliveries;
  }

  /** The share of messages delivered among those finished in a period (see DeliveryStore.successRate). */
  successRate(period: { from: Date; to: Date }): Promise<DeliveryRate> {
    return this.deps.deliveries.successRate(period);
  }

  /**
   * Gives records still queued and unchanged for `olderThanMs` their job again (a lost enqueue, a
   * crash between the record and its job); a job still waiting or running is left alone. The sweep
   * calls it. Returns the number of records handed back.
   */
  async catchUp(olderThanMs: number): Promise<number> {
    const { queue } = this.deps;
    if (!queue) return 0;
    const before = new Date(Date.now() - olderThanMs);
    let count = 0;
    let after: string | undefined;
    for (;;) {
      const page = await this.deps.deliveries.findQueued(before, 100, after);
      for (const delivery of page) await enqueueDelivery(queue, delivery._id, this.deps.options, true);
      count += page.length;
      after = page.at(-1)?._id;
      if (page.length < 100 || !after) return count;
    }
  }

  /**
   * Whether the line or demand a message is about has told the citizen more since (the line's
   * or demand's paying link is in the key): marks the record superseded and says so.
   */
  private async superseded(deliveryId: string): Promise<boolean> {
    const delivery = await this.deps.deliveries.findById(deliveryId);
    const later = delivery && SUPERSEDED_BY[delivery.kind];
    // Without a wait (coalesceMs 0) nothing is held back, so nothing is superseded either.
    if (!delivery || !later || delivery.status !== 'queued' || this.coalesceMs === 0) return false;
    const laterKey = `${later}${delivery.key.slice(delivery.kind.length)}`;
    if (!(await this.deps.deliveries.exists(laterKey))) return false;
    const marked = await this.deps.deliveries.markSuperseded(deliveryId);
    if (marked) this.deps.log.info({ deliveryId, kind: delivery.kind, by: later }, 'notification superseded');
    return marked;
  }

  /**
   * The payment demand a payment line paid, for its messages (the provider's name, and whether the
   * demand was cancelled); undefined for another biller's line or without a lookup.
   */
  async demandOf(line: { billerId: string; billNumber: string }): Promise<RefundedDemand | undefined> {
    return this.deps.demands?.(line);
  }

  /**
   * Of these event keys (eventKey), the ones with a message recorded on any channel, whatever
   * became of it: one query, for a catch-up's page (ReceiptCatchUp, notifyFailedPayments).
   */
  async recordedKeys(keys: readonly string[]): Promise<Set<string>> {
    const found = await this.deps.deliveries.existing(keys.flatMap(deliveryKeys));
    return new Set([...found].map((key) => key.slice(0, key.lastIndexOf('|'))));
  }

  /** Whether any message of `event` was recorded (on any channel), whatever became of it. */
  async recorded(event: NotificationEvent): Promise<boolean> {
    const key = eventKey(event);
    return (await this.deps.deliveries.existing(deliveryKeys(key))).size > 0;
  }

  private async dispatch(deliveryId: string, kind: NotificationKind): Promise<void> {
    const delayMs = SUPERSEDED_BY[kind] ? this.coalesceMs : 0;
    if (this.deps.queue) await enqueueDelivery(this.deps.queue, deliveryId, this.deps.options, false, delayMs);
    else await this.deliver(deliveryId, false);
  }
}
