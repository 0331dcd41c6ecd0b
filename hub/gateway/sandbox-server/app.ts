import Koa from 'koa';
import { SandboxApiError, sandboxErrors } from './api-error.js';
import { apiRouter } from './api-router.js';
import { checkoutRouter } from './checkout-router.js';
import { controlRouter } from './control-router.js';
import { JournaledWebhookSender } from './journaled-sender.js';
import { MandateBook } from './mandate-book.js';
import { MandateFlow } from './mandate-flow.js';
import { mandatePageRouter } from './mandate-page-router.js';
import { mandateRouter } from './mandate-router.js';
import { type SandboxGatewayOptions, sandboxGatewayConfig } from './options.js';
import { OrderBook } from './order-book.js';
import { PaymentFlow } from './payment-flow.js';
import { reportRouter } from './report-router.js';
import { SettlementJournal } from './settlement-journal.js';
import { GatewayTestFaults } from './test-faults.js';

export { defaultSandboxGatewayCredentials, SANDBOX_GATEWAY_PORT, type SandboxGatewayOptions } from './options.js';

/** The Koa app, plus stop(): cancels pending captures and webhook retries and closes their sockets. */
export type SandboxGateway = Koa & { stop(): void };

/**
 * A payment gateway for dev and tests: a merchant API, a hosted checkout where the tester picks
 * the outcome, mandates approved on a hosted page and charged without one, and signed webhooks to
 * `webhookUrl`. State lives in memory.
 */
export function createSandboxGateway(options: SandboxGatewayOptions): SandboxGateway {
  const config = sandboxGatewayConfig(options);
  const book = new OrderBook({ now: config.now, refundKeyTtlMs: config.refundKeyTtlMs });
  const journal = new SettlementJournal();
  const faults = new GatewayTestFaults();
  const sender = new JournaledWebhookSender(journal, {
    url: config.webhookUrl,
    secrets: typeof config.webhookSecret === 'string' ? [config.webhookSecret] : config.webhookSecret,
    timeoutMs: config.webhookTimeoutMs,
    attempts: config.webhookAttempts,
    backoffMs: config.webhookBackoffMs,
    faults,
  });
  const flow = new PaymentFlow(book, sender, config.publicUrl, config.pendingDelayMs, faults);
  // Mandates: approved on a hosted page, charged as orders of the same book (same webhooks, refunds).
  const mandates = new MandateBook(config.now);
  const mandateFlow = new MandateFlow(mandates, book, flow);

  const api = apiRouter({ apiKey: config.apiKey, publicUrl: config.publicUrl, book, flow });
  const checkout = checkoutRouter(book, flow);
  const control = controlRouter(sender, faults, mandates);
  const mandateApi = mandateRouter({ apiKey: config.apiKey, publicUrl: config.publicUrl, mandates, flow: mandateFlow });
  const mandatePages = mandatePageRouter(mandates);

  const app = new Koa();
  app.use(sandboxErrors);
  app.use(control.routes()).use(control.allowedMethods());
  app.use(reportRouter(config.apiKey, journal).routes());
  app.use(mandateApi.routes()).use(mandateApi.allowedMethods());
  app.use(api.routes()).use(api.allowedMethods());
  app.use(mandatePages.routes()).use(mandatePages.allowedMethods());
  app.use(checkout.routes()).use(checkout.allowedMethods());
  app.use((ctx) => {
    throw new SandboxApiError(404, 'not_found', `no route ${ctx.method} ${ctx.path}`);
  });
  return Object.assign(app, {
    stop() {
      flow.stop();
      sender.stop();
    },
  });
}
