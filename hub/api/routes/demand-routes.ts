import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { AppError, ConflictError, NotFoundError } from '../../../infra/errors.js';
import { idempotencyKey } from '../../checkout/checkout-request.js';
import {
  DEMAND_STATUSES,
  type Demand,
  type DemandStore,
  type DemandUploader,
  isCalendarDay,
  MAX_UPLOAD_ROWS,
  type Payer,
  type ProviderDemandFilter,
  pageProviderDemands,
} from '../../demands/index.js';
import { newDemandSchema } from '../../demands/new-demand-schema.js';
import type { Caller } from '../access-token.js';
import { demandSchema, demandUploadResultSchema } from '../response-schemas.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { parseInput } from '../validate.js';
import { demandExportCsv, EXPORT_MAX_DEMANDS } from './demand-export.js';
import { paymentsOf } from './demand-payments.js';
import { demandListSchema, demandTotals } from './demand-totals.js';
import { demandView } from './demand-view.js';

export interface DemandRouteDeps {
  store: DemandStore;
  uploader: DemandUploader;
  /** Tells the payers of new, amended and cancelled demands (demand-notice.ts); never throws. */
  notifyPayers: (demands: readonly Demand[]) => Promise<void>;
}

/** Who acts on a provider's demands: the provider, its display name, and the actor the audit trail names. */
interface ActingProvider {
  /** The provider id of its demands. */
  id: string;
  /** Payers' messages name it (absent: the hub's wording without a name). */
  name?: string;
  /** The person's subject (a member) or the client id (a client's own token). */
  actor: string;
  /** The actor in human terms for the audit trail: a member's name or masked contact, a client's name. */
  actorLabel?: string;
}

/**
 * The provider a token acts for (contract: idp/roles/provider-claims.ts). A member (a person
 * signed in at a provider portal) acts for the `provider_id` of the token and is the actor; a
 * client's own token acts for the provider the idp ties it to, else for its client id as its own
 * provider, named by `provider_name` or else its `client_name`.
 */
function providerOf(caller: Caller): ActingProvider {
  if (caller.kind === 'member' && caller.providerId) {
    return {
      id: caller.providerId,
      actor: caller.sub,
      ...(caller.providerName ? { name: caller.providerName } : {}),
      ...(caller.label ? { actorLabel: caller.label } : {}),
    };
  }
  if (caller.kind === 'client') {
    const name = caller.providerName ?? caller.clientName;
    return {
      id: caller.providerId ?? caller.sub,
      actor: caller.sub,
      ...(name ? { name } : {}),
      ...(caller.clientName ? { actorLabel: caller.clientName } : {}),
    };
  }
  throw new AppError(403, 'wrong_token_kind', "this route is for a provider member's token or a client's own token");
}

/** The provider's display name, if any, as the store takes it. */
const nameOf = (provider: ActingProvider) => (provider.name ? { providerName: provider.name } : {});

/** Who acts, as the audit trail records them: the actor and, when known, its label. */
const whoOf = (provider: ActingProvider) => ({
  actor: provider.actor,
  ...(provider.actorLabel ? { actorLabel: provider.actorLabel } : {}),
});

const shape = newDemandSchema.shape;
const reason = z.string().trim().min(1, { error: 'is required' }).max(500, { error: 'must be at most 500 characters' });
const day = z.string().refine(isCalendarDay, { error: 'must be a date written YYYY-MM-DD' });

/** A new demand as a provider posts it: the domain's schema, less the provider (the token says who). */
const createBody = newDemandSchema.omit({ providerId: true });

/** An amendment: the fields to change (null removes a rule or the plan), why, and optionally the version it was made from. */
const amendBody = z.strictObject({
  reason,
  expectedVersion: z.int().min(0).optional(),
  payer: shape.payer.optional(),
  title: shape.title.optional(),
  lines: shape.lines.optional(),
  dueDate: shape.dueDate.optional(),
  instalments: shape.instalments.unwrap().nullable().optional(),
  lateFee: shape.lateFee.unwrap().nullable().optional(),
  earlyDiscount: shape.earlyDiscount.unwrap().nullable().optional(),
});

/** The payer filter: an email (lowercased) or a mobile number (national Indian or E.164), as demands store them. */
const payerFilter = z
  .string()
  .max(254)
  .transform((value, ctx): Payer => {
    if (value.includes('@')) return { email: value.trim().toLowerCase() };
    const phone = parsePhoneNumberFromString(value.trim(), 'IN');
    if (phone?.isValid()) return { phone: phone.number as string };
    ctx.addIssue({ code: 'custom', message: 'must be an email address or a mobile number' });
    return z.NEVER;
  });

/** Filters shared by the list and the export; created days are Indian days, both ends included. */
const filterFields = {
  status: z
    .string()
    .transform((list) => list.split(',').map((s) => s.trim()))
    .pipe(z.array(z.enum(DEMAND_STATUSES)))
    .meta({ description: `one or more of ${DEMAND_STATUSES.join(', ')}, comma-separated` })
    .optional(),
  dueFrom: day.meta({ description: 'due on or after this day (the last instalment)' }).optional(),
  dueTo: day.meta({ description: 'due on or before this day' }).optional(),
  payer: payerFilter.meta({ description: "the payer's email or mobile number" }).optional(),
  createdFrom: day.meta({ description: 'raised on or after this Indian day' }).optional(),
  createdTo: day.meta({ description: 'raised on or before this Indian day' }).optional(),
};
/** A range whose end comes before its start matches nothing: refused rather than answered empty. */
function rangesInOrder(
  query: { dueFrom?: string; dueTo?: string; createdFrom?: string; createdTo?: string },
  ctx: z.RefinementCtx,
): void {
  if (query.dueFrom && query.dueTo && query.dueTo < query.dueFrom) {
    ctx.addIssue({ code: 'custom', path: ['dueTo'], message: 'must be on or after the first due date of the range' });
  }
  if (query.createdFrom && query.createdTo && query.createdTo < query.createdFrom) {
    ctx.addIssue({ code: 'custom', path: ['createdTo'], message: 'must be on or after the first day of the range' });
  }
}
const filterQuery = z.strictObject(filterFields).superRefine(rangesInOrder);
const listQuery = z
  .strictObject({
    ...filterFields,
    limit: z.coerce.number<string>().int().min(1).max(200).default(50).meta({ description: '1 to 200, default 50' }),
    offset: z.coerce.number<string>().int().min(0).max(100_000).default(0).meta({ description: 'demands to skip' }),
  })
  .superRefine(rangesInOrder);

type FilterQuery = z.infer<typeof filterQuery>;

/** The query as the store's filter: created days become the instants from midnight to midnight IST. */
function filterOf(query: FilterQuery): ProviderDemandFilter {
  return {
    ...(query.status ? { statuses: query.status } : {}),
    ...(query.dueFrom ? { dueFrom: query.dueFrom } : {}),
    ...(query.dueTo ? { dueTo: query.dueTo } : {}),
    ...(query.payer ? { payer: query.payer } : {}),
    ...(query.createdFrom ? { createdFrom: new Date(`${query.createdFrom}T00:00:00.000+05:30`) } : {}),
    ...(query.createdTo ? { createdTo: new Date(`${query.createdTo}T23:59:59.999+05:30`) } : {}),
  };
}

/** The store says an idempotency or upload key was used for another request: the checkout's code for it. */
function asKeyReuse(error: unknown): never {
  const fields = error instanceof ConflictError ? (error.details?.fields as string[] | undefined) : undefined;
  if (fields?.includes('idempotencyKey') || fields?.includes('uploadKey')) {
    throw new AppError(409, 'idempotency_key_reused', error instanceof Error ? error.message : 'key reused');
  }
  throw error;
}

const IDEMPOTENCY_HEADER = {
  required: true,
  description: '8 to 128 letters, digits or . _ : -; the same key and body answer the same demand',
  schema: idempotencyKey,
};
const REPLAYED = { 'Idempotent-Replayed': '`true` when this is the answer to an earlier request with the key' };
const DEMAND_404 = "not_found: no demand of this provider has that reference (another provider's too)";

/**
 * The provider API for payment demands (hub/demands/): a provider's members signed in at a
 * provider portal, and machine clients with their own tokens (client credentials), raise, upload,
 * list, export, amend and cancel their provider's demands (providerOf says which provider and who
 * the audit trail names). Another provider's demand is a 404, never a 403, so its existence does
 * not leak. A new demand's payer is told (demand_received).
 */
export function demandRoutes({ store, uploader, notifyPayers }: DemandRouteDeps): RouteSpec[] {
  const ownDemand = async (reference: string, provider: ActingProvider): Promise<Demand> => {
    const demand = await store.findByReference(reference);
    if (!demand || demand.providerId !== provider.id) throw new NotFoundError('no such demand');
    return demand;
  };
  return [
    defineRoute({
      method: 'post',
      path: '/demands',
      operationId: 'createDemand',
      summary:
        'Raise a payment demand for a payer (Idempotency-Key header required); the payer is told by SMS or email',
      scopes: ['demands:write'],
      callers: ['member', 'client'],
      body: createBody,
      status: 201,
      response: demandSchema,
      headers: { 'Idempotency-Key': IDEMPOTENCY_HEADER },
      responseHeaders: REPLAYED,
      problems: {
        400: 'invalid_request (fields, errors: [{field, message}]): the demand breaks a rule (instalments not adding up, a past due date, ...); nothing created',
        409: 'idempotency_key_reused: the key was used for another demand',
      },
      handler: async (ctx, { body, caller }) => {
        const key = parseInput(idempotencyKey, ctx.get('idempotency-key') || undefined);
        const provider = providerOf(caller);
        const result = await store
          .create(
            { ...body, providerId: provider.id },
            { ...whoOf(provider), idempotencyKey: key, ...nameOf(provider) },
          )
          .catch(asKeyReuse);
        // Told on a replay too: the notice is deduplicated, and a retry heals one a crash lost.
        await notifyPayers([result.demand]);
        if (!result.created) ctx.set('Idempotent-Replayed', 'true');
        return demandView(result.demand);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/demand-uploads',
      operationId: 'uploadDemands',
      summary: `Raise many demands from a CSV file (one per row, at most ${MAX_UPLOAD_ROWS}): all or none; each payer is told`,
      scopes: ['demands:write'],
      callers: ['member', 'client'],
      textBody: {
        mediaType: 'text/csv',
        limit: '4mb',
        description: 'A header row, then one demand per row; the columns are in hub/demands/README.md (CSV upload)',
      },
      status: 201,
      response: demandUploadResultSchema,
      headers: {
        'Idempotency-Key': {
          required: false,
          description:
            'optional (8 to 128 letters, digits or . _ : -): an upload is one per provider organisation and file whatever the key or the member or client sending it (the same file again finishes or replays it); a key sent with one file is refused with another',
          schema: idempotencyKey,
        },
      },
      responseHeaders: REPLAYED,
      problems: {
        409: 'idempotency_key_reused: the key was used for another file',
        422: 'invalid_upload (errors: [{row, column, message}], row 1 = the header): every bad row and cell; nothing created',
      },
      handler: async (ctx, { body, caller }) => {
        const header = ctx.get('idempotency-key');
        const key = header ? parseInput(idempotencyKey, header) : undefined;
        const provider = providerOf(caller);
        const result = await uploader
          .upload({
            providerId: provider.id,
            ...whoOf(provider),
            ...nameOf(provider),
            csv: body,
            ...(key ? { uploadKey: key } : {}),
          })
          .catch(asKeyReuse);
        if (!result.ok) {
          const rows = new Set(result.errors.map((e) => e.row)).size;
          const where = rows === 1 ? '1 row' : `${rows} rows`;
          throw new AppError(422, 'invalid_upload', `The file has errors in ${where}. No demand was raised.`, {
            errors: result.errors,
          });
        }
        const demands = await store.model.find({ batchId: result.batchId, live: true }).lean<Demand[]>().exec();
        await notifyPayers(demands);
        if (!result.created) ctx.set('Idempotent-Replayed', 'true');
        return {
          created: result.demands.length,
          references: result.demands.map((d) => d.reference),
          demands: result.demands.map(({ row, reference }) => ({ row, reference })),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/demands',
      operationId: 'listDemands',
      summary:
        "This provider's demands, newest first, filtered; paged by limit and offset (nextOffset names the next page), with the totals collected and outstanding of everything the filter matches",
      scopes: ['demands:read'],
      callers: ['member', 'client'],
      query: listQuery,
      response: demandListSchema,
      handler: async (_ctx, { query: { limit, offset, ...filter }, caller }) => {
        const provider = providerOf(caller).id;
        const page = await pageProviderDemands(store.model, provider, filterOf(filter), { limit, offset });
        const totals = await demandTotals(store.model, provider, filterOf(filter));
        const payments = await paymentsOf(store.model.db, page.demands);
        return {
          totals,
          demands: page.demands.map((d) => demandView(d, undefined, payments)),
          limit,
          offset,
          ...(page.more ? { nextOffset: offset + limit } : {}),
        };
      },
    }),
    defineRoute({
      // Not /demands/export.csv nor /demands/uploads: beside /demands/:reference the router would
      // match those for a reference too, and answer OPTIONS with that route's methods (a wrong Allow).
      method: 'get',
      path: '/demands.csv',
      operationId: 'exportDemands',
      summary: `This provider's demands as CSV, one row per instalment with its collection status (same filters as the list; at most ${EXPORT_MAX_DEMANDS} demands)`,
      scopes: ['demands:read'],
      callers: ['member', 'client'],
      query: filterQuery,
      responseMediaType: 'text/csv',
      responseHeaders: { 'Content-Disposition': 'attachment; filename="demands-<today>.csv"' },
      problems: { 422: `export_too_large (count): more than ${EXPORT_MAX_DEMANDS} demands match; narrow the filter` },
      handler: async (ctx, { query, caller }) => {
        const csv = await demandExportCsv(store.model, providerOf(caller).id, filterOf(query));
        ctx.type = 'text/csv; charset=utf-8';
        ctx.attachment(csv.filename);
        return csv.text;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/demands/:reference',
      operationId: 'getDemand',
      summary: 'One demand of this provider, with its instalments, what is payable today and its audit trail',
      scopes: ['demands:read'],
      callers: ['member', 'client'],
      response: demandSchema,
      problems: { 404: DEMAND_404 },
      handler: async (_ctx, { params, caller }) => {
        const demand = await ownDemand(params.reference, providerOf(caller));
        return demandView(demand, undefined, await paymentsOf(store.model.db, [demand]));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/demands/:reference/cancel',
      operationId: 'cancelDemand',
      summary:
        'Cancel a demand (with a reason): it can no longer be paid; paid instalments stay paid; cancelling again changes nothing',
      scopes: ['demands:write'],
      callers: ['member', 'client'],
      body: z.strictObject({ reason }),
      response: demandSchema,
      problems: { 404: DEMAND_404, 409: 'conflict: a paid demand cannot be cancelled' },
      handler: async (_ctx, { params, body, caller }) => {
        const provider = providerOf(caller);
        const demand = await ownDemand(params.reference, provider);
        const cancelled = (await store.cancel(demand._id, { ...whoOf(provider), reason: body.reason })).demand;
        await notifyPayers([cancelled]);
        return demandView(cancelled);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/demands/:reference',
      operationId: 'amendDemand',
      summary:
        'Amend a demand (with a reason): the fields given change, null removes a rule or the plan; recorded in the audit trail',
      scopes: ['demands:write'],
      callers: ['member', 'client'],
      body: amendBody,
      response: demandSchema,
      problems: {
        400: 'invalid_request (fields, errors: [{field, message}]): the amended demand breaks a rule, changes a paid instalment or a date in the past, or changes nothing',
        404: DEMAND_404,
        409: 'conflict: the demand is paid or cancelled, or changed since expectedVersion (version)',
      },
      handler: async (_ctx, { params, body: { reason: why, expectedVersion, ...amendment }, caller }) => {
        const provider = providerOf(caller);
        const demand = await ownDemand(params.reference, provider);
        const amended = await store.amend(demand._id, amendment, {
          ...whoOf(provider),
          reason: why,
          ...(expectedVersion !== undefined ? { expectedVersion } : {}),
        });
        await notifyPayers([amended]);
        return demandView(amended);
      },
    }),
  ];
}
