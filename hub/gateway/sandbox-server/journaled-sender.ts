import type { SandboxEvent } from './bodies.js';
import type { SettlementJournal } from './settlement-journal.js';
import { WebhookSender, type WebhookSenderOptions } from './webhook-sender.js';

/** The webhook sender that also writes every event's money movement to the settlement journal. */
export class JournaledWebhookSender extends WebhookSender {
  constructor(
    private readonly journal: SettlementJournal,
    options: WebhookSenderOptions,
  ) {
    super(options);
  }

  override emit(event: SandboxEvent): void {
    this.journal.observe(event);
    super.emit(event);
  }
}
