import type { Logger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import type { Notifier } from '../../infra/notifier/index.js';
import { SettingsStore } from '../citizen-settings/settings-store.js';
import { ContactStore } from '../contacts/contact-store.js';
import type { SettlementQueue } from '../settlement/queue.js';
import { DeliveryStore } from './delivery-store.js';
import { demandLookup } from './demand-lookup.js';
import { portalLinks } from './links.js';
import { Notifications } from './notifications.js';
import { DEFAULT_NOTIFICATION_OPTIONS, type NotificationOptions } from './options.js';
import { createRenderer } from './render.js';

export interface CreateNotificationsInput {
  conn: Connection;
  notifier: Pick<Notifier, 'send'>;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** The portal's public URL, which messages link to (see notificationPublicUrl). */
  publicUrl: string;
  /** Defaults: DEFAULT_NOTIFICATION_OPTIONS. */
  options?: Partial<NotificationOptions>;
  /** How long a message a later one may supersede waits (NotificationsDeps.coalesceMs); default 60 s. */
  coalesceMs?: number;
  /** The work queue for `notify` jobs; without it, messages are sent in the caller's process. */
  queue?: SettlementQueue;
  /** The stores on `conn` when not given. */
  contacts?: ConstructorParameters<typeof Notifications>[0]['contacts'];
  settings?: ConstructorParameters<typeof Notifications>[0]['settings'];
}

/** The notifications service on one MongoDB connection, with the catalogs of hub/notifications/locales. */
export function createNotifications(input: CreateNotificationsInput): Notifications {
  return new Notifications({
    deliveries: new DeliveryStore(input.conn),
    contacts: input.contacts ?? new ContactStore(input.conn),
    settings: input.settings ?? new SettingsStore(input.conn),
    render: createRenderer(portalLinks(input.publicUrl)),
    demands: demandLookup(input.conn),
    notifier: input.notifier,
    log: input.log,
    options: { ...DEFAULT_NOTIFICATION_OPTIONS, ...input.options },
    ...(input.queue ? { queue: input.queue } : {}),
    ...(input.coalesceMs !== undefined ? { coalesceMs: input.coalesceMs } : {}),
  });
}
