import type { TFunction } from 'i18next';
import type { Context } from 'koa';
import { intlLocale, type Locale } from '../../../infra/web/locale.js';
import type { ScoreInput } from '../api/complaint-types.js';
import { field } from '../http/forms.js';
import { localeOf } from '../http/locale.js';
import type { FieldError } from '../http/render.js';

/** The scores offered, best first (as GOV.UK's satisfaction survey lists them). */
export const SCORES = [5, 4, 3, 2, 1] as const;
/** The longest optional comment on a score, in characters (Unicode code points). */
export const COMMENT_MAX = 500;

/** A count in the page's own digits (Bengali digits in Bengali), with Indian grouping. */
export const countText = (locale: Locale, n: number) => new Intl.NumberFormat(intlLocale(locale)).format(n);

/** Text as people count it: CRLF from a textarea is one line break, and length is in code points. */
export const normaliseText = (value: string) => value.replace(/\r\n?/g, '\n').trim();
export const characterCount = (value: string) => [...value].length;

/**
 * Reads a score form (a complaint's rating, feedback on paying): `score` one of 1..5 (radios),
 * `comment` optional, at most COMMENT_MAX characters. Returns what was typed (to show again) and
 * either the input for the API or the errors (field ids `score` and `comment`).
 */
export function readScoreForm(
  ctx: Context,
  t: TFunction,
): { form: { score: string; comment: string }; input?: ScoreInput; errors: FieldError[] } {
  const score = field(ctx, 'score');
  const comment = normaliseText(field(ctx, 'comment'));
  const errors: FieldError[] = [];
  if (!/^[1-5]$/.test(score)) errors.push({ field: 'score', text: t('score.errors.score') });
  if (characterCount(comment) > COMMENT_MAX) {
    errors.push({
      field: 'comment',
      text: t('score.errors.commentTooLong', { max: countText(localeOf(ctx), COMMENT_MAX) }),
    });
  }
  const form = { score, comment };
  if (errors.length) return { form, errors };
  return { form, errors, input: { score: Number(score), ...(comment ? { comment } : {}) } };
}

/** The radios of a score form, each with its plain words; `chosen` is checked. */
export function scoreItems(t: TFunction, chosen = '') {
  return SCORES.map((score) => ({
    value: String(score),
    text: t(`score.words.${score}`),
    checked: chosen === String(score),
  }));
}

/** A given score in words, in the page's digits: "4 out of 5 (Good)". */
export function scoreWords(t: TFunction, locale: Locale, score: number): string {
  return t('score.given', {
    score: countText(locale, score),
    of: countText(locale, 5),
    words: t(`score.words.${score}`),
  });
}
