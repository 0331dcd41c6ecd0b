import type Router from '@koa/router';
import type { Context } from 'koa';
import { formatDateIST, formatMoney } from '../../../infra/web/format.js';
import { COMPLAINT_ID, COMPLAINT_TYPES, type ComplaintType, type NewComplaint } from '../api/complaint-types.js';
import { ApiProblem } from '../api/hub-api.js';
import type { PaymentView } from '../api/types.js';
import type { PortalDeps } from '../deps.js';
import { field, queryParam } from '../http/forms.js';
import { localeOf, translatorOf } from '../http/locale.js';
import { PortalError } from '../http/portal-error.js';
import type { FieldError } from '../http/render.js';
import { answerWords, complaintDetail, complaintRow } from './complaint-view.js';
import { complaintKey, newAttempt } from './idempotency.js';
import { PAYMENT_ID } from './payment-routes.js';
import { COMMENT_MAX, characterCount, countText, normaliseText, readScoreForm, scoreItems } from './score-form.js';
import { sessionIdOf, sessionOf, signedIn } from './signed-in.js';

/** The longest complaint description, in characters (Unicode code points). */
export const DESCRIPTION_MAX = 1000;
/** A line id as the hub makes them (LIN + 20 characters) or as older stubs name them: letters, digits, _ and -. */
const LINE_ID = /^[\w-]{1,64}$/;
/** What a rendered form's `attempt` may be (newAttempt: base64url); anything else gets a fresh one. */
const ATTEMPT = /^[\w-]{16,64}$/;
/** Banners the complaint page shows after a redirect. */
const NOTICES = ['rated', 'exists'];

/** What the complaint form holds, as typed. */
interface ComplaintForm {
  lineId: string;
  type: string;
  description: string;
  attempt: string;
}

/**
 * The citizen's complaints: the form to raise one about a payment or one of its lines
 * (GET/POST /payments/:id/complaint[?line=]), the page after raising it (GET /complaints/:id/raised,
 * with the answer at once when the hub's pre-check found one), the list (GET /complaints), a
 * complaint's page with its timeline (GET /complaints/:id) and its rating once answered (POST
 * /complaints/:id/rating). An unknown, malformed or someone else's complaint id is one not-found page.
 */
export function complaintRoutes(router: Router, deps: PortalDeps): void {
  const { api, billers, pages } = deps;

  const paymentIdOf = (value: unknown) => {
    const id = String(value ?? '');
    if (!PAYMENT_ID.test(id)) throw new PortalError(404, 'not_found', 'no such payment');
    return id;
  };

  /** The complaint form for `paymentId` (its line `form.lineId`, if any), with what was typed and its errors. */
  const showForm = async (ctx: Context, paymentId: string, form: ComplaintForm, errors: FieldError[] = []) => {
    const locale = localeOf(ctx);
    const t = translatorOf(ctx);
    const [{ body: payment }, names] = await Promise.all([
      api.citizen<PaymentView>(sessionOf(ctx), `/payments/${paymentId}`),
      billers.names(),
    ]);
    const line = form.lineId ? payment.lines.find((candidate) => candidate.id === form.lineId) : undefined;
    // A line that is not this payment's is as unknown as a payment that is not the citizen's.
    if (form.lineId && !line) throw new PortalError(404, 'not_found', 'no such line on this payment');
    await pages.render(
      ctx,
      'complaint-new',
      {
        titleKey: line ? 'complaint.new.titleLine' : 'complaint.new.title',
        payment: {
          id: payment.id,
          date: formatDateIST(payment.createdAt, locale),
          total: formatMoney(payment.totalMinor, payment.currency, locale),
        },
        line: line
          ? {
              id: line.id,
              billerName: names[line.billerId] ?? line.billerId,
              consumerMasked: line.demandReference ?? line.consumerMasked,
              amount: formatMoney(line.amountMinor, payment.currency, locale),
              statusKey: `lineStatus.${line.displayStatus}`,
            }
          : undefined,
        types: COMPLAINT_TYPES.map((type) => ({
          value: type,
          text: t(`complaint.types.${type}`),
          checked: form.type === type,
        })),
        form: { ...form, attempt: ATTEMPT.test(form.attempt) ? form.attempt : newAttempt() },
        descriptionHint: t('complaint.new.descriptionHint', { max: countText(locale, DESCRIPTION_MAX) }),
        errors,
      },
      errors.length ? 400 : 200,
    );
  };

  router.get('/payments/:paymentId/complaint', signedIn, async (ctx) => {
    const lineId = queryParam(ctx, 'line');
    if (lineId && !LINE_ID.test(lineId)) throw new PortalError(404, 'not_found', 'not a line id');
    await showForm(ctx, paymentIdOf(ctx.params.paymentId), { lineId, type: '', description: '', attempt: '' });
  });

  router.post('/payments/:paymentId/complaint', signedIn, async (ctx) => {
    const paymentId = paymentIdOf(ctx.params.paymentId);
    const t = translatorOf(ctx);
    const form: ComplaintForm = {
      lineId: field(ctx, 'lineId'),
      type: field(ctx, 'type'),
      description: normaliseText(field(ctx, 'description')),
      attempt: field(ctx, 'attempt'),
    };
    if (form.lineId && !LINE_ID.test(form.lineId)) throw new PortalError(404, 'not_found', 'not a line id');
    const errors = complaintFormErrors(form, t, ctx);
    if (errors.length) return showForm(ctx, paymentId, form, errors);
    const complaint: NewComplaint = {
      paymentId,
      ...(form.lineId ? { lineId: form.lineId } : {}),
      type: form.type as ComplaintType,
      description: form.description,
    };
    try {
      // The same form sent twice (a double click, a reload) has the same key: the hub replays the
      // complaint it made first rather than raising a second one.
      const raised = await api.raiseComplaint(
        sessionOf(ctx),
        complaint,
        complaintKey(sessionIdOf(ctx), form.attempt, complaint),
      );
      ctx.status = 303;
      ctx.redirect(`/complaints/${encodeURIComponent(raised.id)}/raised`);
    } catch (error) {
      const refusal = raiseRefusal(error, t, ctx);
      if ('redirect' in refusal) {
        ctx.status = 303;
        ctx.redirect(refusal.redirect);
        return;
      }
      return showForm(ctx, paymentId, form, refusal.errors);
    }
  });

  /** The signed-in citizen's complaint `value`, or the not-found page (unknown, malformed and others' alike). */
  const complaintOr404 = async (ctx: Context, value: unknown) => {
    const id = String(value ?? '');
    const complaint = COMPLAINT_ID.test(id) ? await api.complaint(sessionOf(ctx), id) : undefined;
    if (!complaint) await pages.render(ctx, 'complaint-not-found', { titleKey: 'complaint.notFound.title' }, 404);
    return complaint;
  };

  router.get('/complaints', signedIn, async (ctx) => {
    const [complaints, names] = await Promise.all([api.complaints(sessionOf(ctx)), billers.names()]);
    const now = Date.now();
    await pages.render(ctx, 'complaints', {
      titleKey: 'complaint.list.title',
      rows: complaints.map((complaint) => complaintRow(complaint, translatorOf(ctx), localeOf(ctx), names, now)),
    });
  });

  router.get('/complaints/:complaintId/raised', signedIn, async (ctx) => {
    const complaint = await complaintOr404(ctx, ctx.params.complaintId);
    if (!complaint) return;
    const t = translatorOf(ctx);
    const row = complaintRow(complaint, t, localeOf(ctx), await billers.names(), Date.now());
    await pages.render(ctx, 'complaint-raised', {
      titleKey: 'complaint.raised.title',
      complaint: row,
      // The hub's pre-check may have answered already (a refunded or settled line, with its evidence).
      answer: row.closed ? answerWords(complaint, t) : undefined,
    });
  });

  const showComplaint = async (
    ctx: Context,
    rating: { score: string; comment: string } = { score: '', comment: '' },
    errors: FieldError[] = [],
  ) => {
    const complaint = await complaintOr404(ctx, ctx.params.complaintId);
    if (!complaint) return;
    const t = translatorOf(ctx);
    const notice = queryParam(ctx, 'notice');
    await pages.render(
      ctx,
      'complaint',
      {
        titleKey: 'complaint.detail.title',
        titleValues: { id: complaint.id },
        complaint: complaintDetail(complaint, t, localeOf(ctx), await billers.names(), Date.now()),
        notice: NOTICES.includes(notice) ? notice : '',
        rating,
        scoreItems: scoreItems(t, rating.score),
        commentHint: t('score.commentHint', { max: countText(localeOf(ctx), COMMENT_MAX) }),
        errors,
      },
      errors.length ? 400 : 200,
    );
  };

  router.get('/complaints/:complaintId', signedIn, (ctx) => showComplaint(ctx));

  router.post('/complaints/:complaintId/rating', signedIn, async (ctx) => {
    const id = String(ctx.params.complaintId);
    if (!COMPLAINT_ID.test(id)) {
      await pages.render(ctx, 'complaint-not-found', { titleKey: 'complaint.notFound.title' }, 404);
      return;
    }
    const { form, input, errors } = readScoreForm(ctx, translatorOf(ctx));
    if (!input) return showComplaint(ctx, form, errors);
    const outcome = await api.rateComplaint(sessionOf(ctx), id, input).catch((error: unknown) => {
      if ((error instanceof PortalError || error instanceof ApiProblem) && error.status === 404) return 'not_found';
      throw error;
    });
    if (outcome === 'not_found') {
      await pages.render(ctx, 'complaint-not-found', { titleKey: 'complaint.notFound.title' }, 404);
      return;
    }
    // Rated before (another tab) or not answered yet: the page shows how it stands, without a thank-you.
    ctx.status = 303;
    ctx.redirect(`/complaints/${id}${outcome === 'rated' ? '?notice=rated' : ''}#rating`);
  });
}

/** The complaint form's own checks: a type from the list, a description of 1..DESCRIPTION_MAX characters. */
function complaintFormErrors(form: ComplaintForm, t: ReturnType<typeof translatorOf>, ctx: Context): FieldError[] {
  const errors: FieldError[] = [];
  if (!(COMPLAINT_TYPES as readonly string[]).includes(form.type)) {
    errors.push({ field: 'type', text: t('complaint.errors.type') });
  }
  if (!form.description) errors.push({ field: 'description', text: t('complaint.errors.descriptionEmpty') });
  else if (characterCount(form.description) > DESCRIPTION_MAX) {
    errors.push({
      field: 'description',
      text: t('complaint.errors.descriptionTooLong', { max: countText(localeOf(ctx), DESCRIPTION_MAX) }),
    });
  }
  return errors;
}

/**
 * What the hub's refusal of a new complaint means for the citizen: a 400 naming fields → those
 * fields' errors; a 404 → the not-found page (the payment or line is not theirs); a 409 naming the
 * complaint already open about it → that complaint's page; another refusal or the hub not answering
 * → an error at the type field saying so (what was typed is kept). Anything else is thrown.
 */
function raiseRefusal(
  error: unknown,
  t: ReturnType<typeof translatorOf>,
  ctx: Context,
): { errors: FieldError[] } | { redirect: string } {
  if (error instanceof PortalError && error.status === 503) {
    return { errors: [{ field: 'type', text: t('complaint.errors.unavailable') }] };
  }
  if (!(error instanceof ApiProblem)) throw error;
  if (error.status === 404) throw new PortalError(404, 'not_found', `complaint refused: ${error.code}`);
  if (error.status === 409) {
    const existing = [error.body.complaintId, error.body.existingComplaintId].find(
      (value): value is string => typeof value === 'string' && COMPLAINT_ID.test(value),
    );
    if (existing) return { redirect: `/complaints/${existing}?notice=exists` };
    return { errors: [{ field: 'type', text: t('complaint.errors.exists') }] };
  }
  const fields = Array.isArray(error.body.fields) ? (error.body.fields as { field?: unknown }[]) : [];
  const named = new Set(fields.map((f) => String(f.field ?? '')));
  const errors: FieldError[] = [];
  if (named.has('type')) errors.push({ field: 'type', text: t('complaint.errors.type') });
  if (named.has('description')) {
    errors.push({
      field: 'description',
      text: t('complaint.errors.descriptionRefused', { max: countText(localeOf(ctx), DESCRIPTION_MAX) }),
    });
  }
  return { errors: errors.length ? errors : [{ field: 'type', text: t('complaint.errors.refused') }] };
}
