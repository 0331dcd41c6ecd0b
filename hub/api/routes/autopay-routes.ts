import { z } from 'zod';
import type { Logger } from '../../../infra/logger.js';
import type { Connection } from '../../../infra/mongo.js';
import {
  AUTOPAY_STATUSES,
  type Autopay,
  AutopayService,
  AutopayStore,
  autopayOptionsOf,
  autopayView,
  CHARGE_STATUSES,
  chargeView,
  holdsMandates,
} from '../../autopay/index.js';
import type { HubConfig } from '../../config.js';
import { ContactStore } from '../../contacts/contact-store.js';
import type { PaymentGateway } from '../../gateway/index.js';
import { savedAccountModel } from '../../saved-accounts/saved-account-model.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';

const turnOnBody = z
  .object({
    accountId: z.string().regex(/^[\w-]{1,64}$/),
    /** The most one bill may be to be paid automatically, in paise. */
    limitMinor: z.number().int('must be a whole number of paise').positive('must be more than zero'),
  })
  .strict();

const chargeSchema = z.object({
  id: z.string(),
  billNumberMasked: z.string(),
  amountMinor: z.number().int(),
  currency: z.string(),
  dueDate: z.string(),
  status: z.enum(CHARGE_STATUSES),
  chargeAt: z.string(),
  noticeSentAt: z.string().optional(),
  paymentId: z.string().optional(),
  reason: z.string().optional(),
});
const autopaySchema = z.object({
  id: z.string(),
  accountId: z.string(),
  billerId: z.string(),
  status: z.enum(AUTOPAY_STATUSES),
  limitMinor: z.number().int(),
  currency: z.string(),
  approvalUrl: z.string().optional(),
  validUntil: z.string().optional(),
  reason: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const autopayWithChargesSchema = autopaySchema.extend({ charges: z.array(chargeSchema) });
const autopayListSchema = z.object({ autopays: z.array(autopayWithChargesSchema), maxLimitMinor: z.number().int() });

export interface AutopayRouteDeps {
  service: AutopayService;
  store: AutopayStore;
  contacts: Pick<ContactStore, 'remember'>;
  maxLimitMinor: number;
}

/**
 * A citizen's autopays: turn one on for a saved account (answered with the gateway's approval
 * URL), come back from the approval, see status and recent debits, pause, resume, cancel.
 */
export function autopayRoutes({ service, store, contacts, maxLimitMinor }: AutopayRouteDeps): RouteSpec[] {
  const withCharges = async (autopay: Autopay) => ({
    ...autopayView(autopay),
    charges: (await store.listCharges(autopay._id)).map(chargeView),
  });
  const change = (
    path: string,
    operationId: string,
    summary: string,
    act: (sub: string, id: string) => Promise<Autopay>,
    problems: Record<number, string> = {},
  ): RouteSpec =>
    defineRoute({
      method: 'post',
      path: `/autopay/:autopayId/${path}`,
      operationId,
      summary,
      scopes: ['payments:write'],
      callers: ['citizen'],
      response: autopayWithChargesSchema,
      problems: { 404: 'not_found: no such autopay of mine', ...problems },
      handler: async (_ctx, { params, caller }) => withCharges(await act(caller.sub, params.autopayId)),
    });
  return [
    defineRoute({
      method: 'get',
      path: '/autopay',
      operationId: 'listMyAutopays',
      summary: 'My autopays, newest first, each with its recent debits, and the highest limit allowed',
      scopes: ['payments:read'],
      callers: ['citizen'],
      response: autopayListSchema,
      handler: async (_ctx, { caller }) => {
        const autopays = await service.list(caller.sub);
        return { autopays: await Promise.all(autopays.map(withCharges)), maxLimitMinor };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/autopay',
      operationId: 'turnOnAutopay',
      summary:
        "Turn autopay on for one of my saved accounts with a limit in paise: answered pending_approval with the gateway's approvalUrl, where I approve the mandate",
      scopes: ['payments:write'],
      callers: ['citizen'],
      body: turnOnBody,
      status: 201,
      response: autopayWithChargesSchema,
      problems: {
        404: 'not_found: no such saved account of mine',
        409: 'autopay_exists: this account already has autopay on or waiting for approval',
        422: 'limit_not_allowed (maxLimitMinor): the limit is above the highest allowed',
        503: 'gateway_unavailable: retryable',
      },
      handler: async (_ctx, { body: { accountId, limitMinor }, caller: citizen }) => {
        const autopay = await service.turnOn(citizen.sub, accountId, limitMinor);
        // Where the pre-debit notices go: the contact the idp vouched for in this very token.
        await contacts.remember(citizen.sub, { email: citizen.email, phone: citizen.phone });
        return withCharges(autopay);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/autopay/:autopayId',
      operationId: 'getMyAutopay',
      summary: 'One of my autopays, with its recent debits',
      scopes: ['payments:read'],
      callers: ['citizen'],
      response: autopayWithChargesSchema,
      problems: { 404: 'not_found: no such autopay of mine' },
      handler: async (_ctx, { params, caller }) => withCharges(await service.get(caller.sub, params.autopayId)),
    }),
    change(
      'confirm',
      'confirmAutopay',
      'Back from the approval page: the autopay as the gateway now says (active once approved, failed if declined)',
      (sub, id) => service.confirmReturn(sub, id),
    ),
    change(
      'pause',
      'pauseAutopay',
      'Pause: debits are skipped, the mandate is kept',
      (sub, id) => service.pause(sub, id),
      {
        409: 'autopay_not_active (status)',
      },
    ),
    change('resume', 'resumeAutopay', 'Resume a paused autopay', (sub, id) => service.resume(sub, id), {
      409: 'autopay_not_paused (status)',
    }),
    change(
      'cancel',
      'cancelAutopay',
      'Cancel autopay and revoke its mandate at the gateway (repeat-safe)',
      (sub, id) => service.cancel(sub, id),
      { 409: 'autopay_not_live (status): it already ended otherwise' },
    ),
  ];
}

/**
 * The autopay routes as the hub builds them from its config; none when the gateway holds no
 * mandates. `portalUrl` is where the approval page sends the citizen back (`/autopay/return`).
 */
export async function autopayRoutesFor(
  config: HubConfig,
  parts: { mongo: Connection; gateway: PaymentGateway; log: Logger; portalUrl: string },
): Promise<RouteSpec[]> {
  if (!holdsMandates(parts.gateway)) return [];
  const store = new AutopayStore(parts.mongo);
  await store.init();
  const options = autopayOptionsOf(config);
  const service = new AutopayService({
    store,
    gateway: parts.gateway,
    accounts: savedAccountModel(parts.mongo),
    options,
    returnUrl: options.returnUrl ?? `${parts.portalUrl.replace(/\/+$/, '')}/autopay/return`,
    log: parts.log,
  });
  return autopayRoutes({
    service,
    store,
    contacts: new ContactStore(parts.mongo),
    maxLimitMinor: options.maxLimitMinor,
  });
}
