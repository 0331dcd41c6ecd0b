import type { Context } from 'koa';
import { formatDateTimeIST } from '../../../infra/web/format.js';
import type { PortalDeps } from '../deps.js';
import { localeOf, translatorOf } from '../http/locale.js';
import { COMMENT_MAX, countText, scoreItems, scoreWords } from './score-form.js';
import { sessionOf } from './signed-in.js';

/**
 * The "How was paying?" part of a final payment's page: the feedback already given (its score in
 * words and its comment), or the form (`form` as typed). Undefined when the hub cannot say (its
 * feedback API not answering): the payment page shows without it rather than failing.
 */
export async function feedbackOf(
  ctx: Context,
  deps: PortalDeps,
  paymentId: string,
  form: { score: string; comment: string },
) {
  const t = translatorOf(ctx);
  const locale = localeOf(ctx);
  let given: Awaited<ReturnType<PortalDeps['api']['paymentFeedback']>>;
  try {
    given = await deps.api.paymentFeedback(sessionOf(ctx), paymentId);
  } catch (error) {
    deps.log.warn({ err: error }, 'payment feedback could not be read');
    return undefined;
  }
  if (given) {
    return {
      given: {
        words: scoreWords(t, locale, given.score),
        comment: given.comment,
        at: given.at ? formatDateTimeIST(given.at, locale) : undefined,
      },
    };
  }
  return {
    form,
    scoreItems: scoreItems(t, form.score),
    commentHint: t('score.commentHint', { max: countText(locale, COMMENT_MAX) }),
  };
}
