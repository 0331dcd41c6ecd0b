import type Router from '@koa/router';
import type { Context } from 'koa';
import type { BillerDescriptor } from '../../../adapters/sdk/index.js';
import { ApiProblem } from '../api/hub-api.js';
import type { SavedAccount } from '../api/types.js';
import type { PortalDeps } from '../deps.js';
import { field, queryParam } from '../http/forms.js';
import { translatorOf } from '../http/locale.js';
import { PortalError } from '../http/portal-error.js';
import type { FieldError } from '../http/render.js';
import { consumerFields, readConsumer } from './consumer-form.js';
import { sessionOf, signedIn } from './signed-in.js';

/** Bill kinds offered in the first step of adding an account, in this order (BillerCategory). */
export const CATEGORIES = ['electricity', 'water', 'gas', 'other'] as const;

/** Adding a saved account (category, then biller, then its consumer fields) and removing one. */
export function accountRoutes(router: Router, deps: PortalDeps): void {
  const { api, billers, pages } = deps;

  router.get('/accounts/new', signedIn, async (ctx) => {
    const t = translatorOf(ctx);
    const all = await billers.list();
    const categories = CATEGORIES.filter((category) => all.some((biller) => biller.category === category));
    const category = queryParam(ctx, 'category');
    const chosenBiller = queryParam(ctx, 'biller');
    if (chosenBiller && all.some((biller) => biller.id === chosenBiller)) {
      ctx.status = 303;
      ctx.redirect(`/accounts/new/${chosenBiller}`);
      return;
    }
    const known = (categories as readonly string[]).includes(category);
    if (!known) {
      const errors: FieldError[] =
        'category' in ctx.query ? [{ field: 'category', text: t('accounts.errors.category') }] : [];
      await pages.render(
        ctx,
        'account-category',
        { titleKey: 'accounts.categoryTitle', categories, errors },
        errors.length ? 400 : 200,
      );
      return;
    }
    const errors: FieldError[] = 'biller' in ctx.query ? [{ field: 'biller', text: t('accounts.errors.biller') }] : [];
    await pages.render(
      ctx,
      'account-biller',
      {
        titleKey: 'accounts.billerTitle',
        titleValues: { category: t(`categories.${category}`) },
        category,
        billers: all.filter((biller) => biller.category === category),
        errors,
      },
      errors.length ? 400 : 200,
    );
  });

  // From the biller directory the pages already keep (biller-directory.ts), as the lookup does.
  const descriptor = (ctx: Context): Promise<BillerDescriptor> => billers.require(String(ctx.params.billerId));

  const showFields = (
    ctx: Context,
    biller: BillerDescriptor,
    typed: Record<string, string>,
    errors: FieldError[],
    status = 200,
  ) =>
    pages.render(
      ctx,
      'account-fields',
      {
        titleKey: 'accounts.fieldsTitle',
        titleValues: { biller: biller.name },
        biller,
        fields: consumerFields(biller, typed, translatorOf(ctx)),
        nickname: field(ctx, 'nickname'),
        errors,
      },
      status,
    );

  router.get('/accounts/new/:billerId', signedIn, async (ctx) => showFields(ctx, await descriptor(ctx), {}, []));

  router.post('/accounts/new/:billerId', signedIn, async (ctx) => {
    const t = translatorOf(ctx);
    const biller = await descriptor(ctx);
    const { consumer, typed, errors } = readConsumer(ctx, biller, t);
    const nickname = field(ctx, 'nickname').trim();
    if (nickname.length > 40) errors.push({ field: 'nickname', text: t('accounts.errors.nickname') });
    if (errors.length) return showFields(ctx, biller, typed, errors, 400);
    try {
      // The API answers the linked account and its first bill: { account, bill }.
      const { body } = await api.citizen<{ account: SavedAccount }>(sessionOf(ctx), '/accounts', {
        method: 'POST',
        body: { billerId: biller.id, consumer, ...(nickname ? { nickname } : {}) },
      });
      ctx.status = 303;
      ctx.redirect(`/dashboard?added=${encodeURIComponent(body.account.id)}`);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      const firstField = `consumer-${biller.consumerParams[0]?.name ?? ''}`;
      const key =
        error.status === 409
          ? 'accounts.errors.duplicate'
          : error.code === 'consumer_not_found'
            ? 'accounts.errors.notFound'
            : error.code === 'insufficient_scope'
              ? 'accounts.errors.scope'
              : 'accounts.errors.invalid';
      return showFields(
        ctx,
        biller,
        typed,
        [{ field: firstField, text: t(key, { biller: biller.name }) }],
        error.status,
      );
    }
  });

  const ownAccount = async (ctx: Context) => {
    const { body } = await api.citizen<{ accounts: SavedAccount[] }>(sessionOf(ctx), '/accounts');
    const account = body.accounts.find((candidate) => candidate.id === ctx.params.accountId);
    if (!account) throw new PortalError(404, 'not_found', 'no such saved account');
    return account;
  };

  router.get('/accounts/:accountId/remove', signedIn, async (ctx) => {
    const account = await ownAccount(ctx);
    const biller = await billers.get(account.billerId);
    await pages.render(ctx, 'account-remove', {
      titleKey: 'accounts.removeTitle',
      account,
      billerName: biller?.name ?? account.billerId,
    });
  });

  router.post('/accounts/:accountId/remove', signedIn, async (ctx) => {
    const account = await ownAccount(ctx);
    await api.citizen(sessionOf(ctx), `/accounts/${encodeURIComponent(account.id)}`, { method: 'DELETE' });
    ctx.status = 303;
    ctx.redirect('/dashboard?removed=1');
  });
}
