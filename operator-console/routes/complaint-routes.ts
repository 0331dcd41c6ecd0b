import type Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import {
  COMPLAINT_ID_PATTERN,
  COMPLAINT_STATUSES,
  COMPLAINT_TYPE_LABELS,
  COMPLAINT_TYPES,
  DISPOSITION_LABELS,
  type operatorComplaintListSchema,
  type operatorComplaintSchema,
  REJECTION_CODES,
  RESOLUTION_CODES,
} from '../../hub/complaints/index.js';
import { ApiProblem } from '../api/operator-api.js';
import type { OperatorConsoleDeps } from '../deps.js';
import { operatorOf, operatorOnly } from '../http/operator.js';
import type { FieldError } from '../http/pages.js';

type ComplaintJson = z.infer<typeof operatorComplaintSchema> & {
  audit: {
    at: string;
    actor: { sub: string; label?: string };
    action: string;
    reason: string;
    outcome: string;
    detail?: string;
  }[];
};
type ComplaintListJson = z.infer<typeof operatorComplaintListSchema>;

/** The four actions, each a form with a required Reason, and the audit name the page announces after it. */
const ACTIONS = ['assign', 'status', 'resolve', 'reject'] as const;
type Action = (typeof ACTIONS)[number];

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const pick = <T extends string>(value: unknown, allowed: readonly T[]): T | '' =>
  allowed.includes(value as T) ? (value as T) : '';

/** The queue's filters from the query string, only known values kept. */
function readFilters(ctx: Context) {
  return {
    status: pick(ctx.query.status, COMPLAINT_STATUSES),
    type: pick(ctx.query.type, COMPLAINT_TYPES),
    overdue: ctx.query.overdue === 'true',
    cursor:
      typeof ctx.query.cursor === 'string' && /^\d{1,15}\.CMP[0-9A-Z]{12}$/.test(ctx.query.cursor)
        ? ctx.query.cursor
        : '',
  };
}

function filterQuery(filters: ReturnType<typeof readFilters>): URLSearchParams {
  const query = new URLSearchParams();
  if (filters.status) query.set('status', filters.status);
  if (filters.type) query.set('type', filters.type);
  if (filters.overdue) query.set('overdue', 'true');
  if (filters.cursor) query.set('cursor', filters.cursor);
  return query;
}

/** An action's form as the hub's body, or the fields' errors (the reason is always required). */
function actionBody(
  action: Action,
  form: Record<string, unknown>,
): { body: Record<string, unknown> } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const reason = text(form.reason);
  if (!reason) errors.push({ field: `${action}-reason`, text: 'Enter the reason for this action' });
  if (reason.length > 1000)
    errors.push({ field: `${action}-reason`, text: 'The reason must be 1000 characters or fewer' });
  if (action === 'assign') {
    const sub = text(form.ownerSub);
    if (errors.length) return { errors };
    return { body: { reason, ...(sub ? { owner: { sub } } : {}) } };
  }
  if (action === 'status') {
    const status = pick(form.status, ['open', 'waiting_for_biller'] as const);
    if (!status) errors.push({ field: 'status-status', text: 'Choose the new status' });
    return errors.length ? { errors } : { body: { status, reason } };
  }
  if (action === 'resolve') {
    const code = pick(form.code, RESOLUTION_CODES);
    if (!code) errors.push({ field: 'resolve-code', text: 'Choose how the complaint was resolved' });
    const answer = text(form.answer);
    if (answer.length > 1000)
      errors.push({ field: 'resolve-answer', text: 'The answer must be 1000 characters or fewer' });
    const billerReference = text(form.billerReference);
    const refundReference = text(form.refundReference);
    if (errors.length) return { errors };
    const evidence = {
      ...(billerReference ? { billerReference } : {}),
      ...(refundReference ? { refundReference } : {}),
    };
    return {
      body: {
        reason,
        disposition: {
          code,
          ...(answer ? { reason: answer } : {}),
          ...(Object.keys(evidence).length ? { evidence } : {}),
        },
      },
    };
  }
  const code = pick(form.code, REJECTION_CODES);
  return errors.length ? { errors } : { body: { reason, ...(code ? { code } : {}) } };
}

/**
 * Complaints: the queue (filters status, type, overdue; oldest first) and one complaint with its
 * timeline, payment link, audit entries and the four actions (assign, status, resolve, reject),
 * each a form with a required Reason. A refused action shows the hub's words; a done one comes
 * back with a notice.
 */
export function complaintRoutes(router: Router, { pages, api }: OperatorConsoleDeps): void {
  const only = operatorOnly(pages);
  const options = {
    statusItems: (chosen: string) => [
      { value: '', text: 'Any status' },
      ...COMPLAINT_STATUSES.map((s) => ({ value: s, text: s.replaceAll('_', ' '), selected: s === chosen })),
    ],
    typeItems: (chosen: string) => [
      { value: '', text: 'Any type' },
      ...COMPLAINT_TYPES.map((t) => ({ value: t, text: COMPLAINT_TYPE_LABELS[t], selected: t === chosen })),
    ],
    resolutionItems: [
      { value: '', text: 'Choose…' },
      ...RESOLUTION_CODES.map((c) => ({ value: c, text: DISPOSITION_LABELS[c] })),
    ],
    rejectionItems: REJECTION_CODES.map((c) => ({ value: c, text: DISPOSITION_LABELS[c] })),
  };
  const notFound = (ctx: Context) =>
    pages.render(ctx, 'error', { title: 'Page not found', text: 'No complaint has this id.', kind: 'not_found' }, 404);

  const showComplaint = async (ctx: Context, id: string, extra: Record<string, unknown> = {}, status = 200) => {
    const { session } = operatorOf(ctx);
    const complaint = await api.get<ComplaintJson>(session, `/operator/complaints/${id}`);
    const done =
      typeof ctx.query.done === 'string' && /^complaint\.[a-z_]+$/.test(ctx.query.done) ? ctx.query.done : undefined;
    await pages.render(
      ctx,
      'complaint',
      {
        title: `Complaint ${id}`,
        complaint,
        typeLabel: COMPLAINT_TYPE_LABELS[complaint.type],
        dispositionLabel: complaint.disposition ? DISPOSITION_LABELS[complaint.disposition.code] : undefined,
        closed: complaint.status === 'resolved' || complaint.status === 'rejected',
        resolutionItems: options.resolutionItems,
        rejectionItems: options.rejectionItems,
        done,
        form: {},
        ...extra,
      },
      status,
    );
  };

  router.get('/complaints', only, async (ctx) => {
    const { session } = operatorOf(ctx);
    const filters = readFilters(ctx);
    const list = await api.get<ComplaintListJson>(session, '/operator/complaints', filterQuery(filters));
    const next = list.next ? filterQuery({ ...filters, cursor: list.next }).toString() : undefined;
    await pages.render(ctx, 'complaints', {
      title: 'Complaints',
      filters,
      filtered: Boolean(filters.status || filters.type || filters.overdue),
      statusItems: options.statusItems(filters.status),
      typeItems: options.typeItems(filters.type),
      typeLabels: COMPLAINT_TYPE_LABELS,
      list,
      nextHref: next ? `/complaints?${next}` : undefined,
    });
  });

  router.get('/complaints/:complaintId', only, async (ctx) => {
    const id = String(ctx.params.complaintId);
    if (!COMPLAINT_ID_PATTERN.test(id)) return notFound(ctx);
    await showComplaint(ctx, id);
  });

  for (const action of ACTIONS) {
    router.post(`/complaints/:complaintId/${action}`, only, async (ctx) => {
      const id = String(ctx.params.complaintId);
      if (!COMPLAINT_ID_PATTERN.test(id)) return notFound(ctx);
      const { session } = operatorOf(ctx);
      const form = (ctx.request.body ?? {}) as Record<string, unknown>;
      const parsed = actionBody(action, form);
      if ('errors' in parsed) return showComplaint(ctx, id, { errors: parsed.errors, form, openAction: action }, 400);
      try {
        await api.post(session, `/operator/complaints/${id}/${action}`, parsed.body);
      } catch (error) {
        if (!(error instanceof ApiProblem)) throw error;
        // Refused by the hub (and audited there): say why, in its words.
        const words = error.detail || `The hub refused this action (${error.code}).`;
        return showComplaint(
          ctx,
          id,
          { errors: [{ field: `${action}-reason`, text: `Not done: ${words}` }], form, openAction: action },
          error.status === 409 ? 409 : 400,
        );
      }
      ctx.redirect(`/complaints/${id}?done=complaint.${action}`);
    });
  }
}
