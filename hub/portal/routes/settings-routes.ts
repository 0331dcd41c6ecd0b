import type Router from '@koa/router';
import { isLocale, SUPPORTED_LOCALES } from '../../../infra/web/locale.js';
import { NOTIFICATION_CHANNELS, type NotificationChannel } from '../../citizen-settings/settings-store.js';
import type { PortalDeps } from '../deps.js';
import { field, localPath, queryParam } from '../http/forms.js';
import { chooseLanguage, translatorOf } from '../http/locale.js';
import type { FieldError } from '../http/render.js';
import type { SessionUser } from '../session/session-store.js';
import { citizenSub, signedIn } from './signed-in.js';

const isChannel = (value: string): value is NotificationChannel =>
  (NOTIFICATION_CHANNELS as readonly string[]).includes(value);

/**
 * The channel the settings page offers first when the citizen has chosen none: the contact the
 * idp verified (a phone: SMS; only an email: email), email when the session does not say.
 */
export function defaultChannel(verified: SessionUser['verified']): NotificationChannel {
  return verified?.phone ? 'sms' : 'email';
}

/**
 * The channels of a choice the citizen has no verified contact for (hub/notifications sends only to
 * contacts the idp verified: "both" with only a phone sends SMS alone). Nothing when the session
 * does not say which contacts were verified.
 */
export function unreachableChannels(channel: string, verified: SessionUser['verified']): ('email' | 'sms')[] {
  if (!verified) return [];
  const wanted: ('email' | 'sms')[] = channel === 'both' ? ['email', 'sms'] : channel === 'email' ? ['email'] : ['sms'];
  return wanted.filter((c) => (c === 'email' ? !verified.email : !verified.phone));
}

/** The warning of a choice that cannot reach the citizen as chosen: which channel is missing, and what is used instead. */
function channelWarning(channel: string, verified: SessionUser['verified']) {
  const missing = unreachableChannels(channel, verified);
  if (missing.length === 0) return undefined;
  const fallback = missing.includes('email') ? (verified?.phone ? 'sms' : 'none') : verified?.email ? 'email' : 'none';
  return { key: `settings.unreachable.${missing.includes('email') ? 'email' : 'sms'}_${fallback}` };
}

/** The citizen's settings (language, notification channel) and the language switch on every page. */
export function settingsRoutes(router: Router, deps: PortalDeps): void {
  const { pages, settings } = deps;

  router.get('/settings', signedIn, async (ctx) => {
    const saved = await settings.find(citizenSub(ctx));
    const verified = ctx.state.session?.current?.user?.verified;
    const channel = saved?.channel ?? defaultChannel(verified);
    await pages.render(ctx, 'settings', {
      titleKey: 'settings.title',
      language: saved?.language ?? ctx.state.locale,
      channel,
      channelWarning: channelWarning(channel, verified),
      locales: SUPPORTED_LOCALES,
      channels: NOTIFICATION_CHANNELS,
      saved: queryParam(ctx, 'saved') !== '',
    });
  });

  router.post('/settings', signedIn, async (ctx) => {
    const t = translatorOf(ctx);
    const language = field(ctx, 'language');
    const channel = field(ctx, 'channel');
    const errors: FieldError[] = [];
    if (!isLocale(language)) errors.push({ field: 'language', text: t('settings.errors.language') });
    if (!isChannel(channel)) errors.push({ field: 'channel', text: t('settings.errors.channel') });
    if (errors.length || !isLocale(language) || !isChannel(channel)) {
      await pages.render(
        ctx,
        'settings',
        {
          titleKey: 'settings.title',
          language,
          channel,
          locales: SUPPORTED_LOCALES,
          channels: NOTIFICATION_CHANNELS,
          errors,
        },
        400,
      );
      return;
    }
    await settings.save(citizenSub(ctx), { language, channel });
    chooseLanguage(ctx, language, deps.secure, deps.translator);
    ctx.status = 303;
    ctx.redirect('/settings?saved=1');
  });

  // The switch in every page's header: a POST (it changes state), so it carries the CSRF token.
  router.post('/language', async (ctx) => {
    const language = field(ctx, 'lang');
    if (isLocale(language)) {
      chooseLanguage(ctx, language, deps.secure, deps.translator);
      const sub = ctx.state.session?.current?.user?.sub;
      if (sub) await settings.save(sub, { language });
    }
    ctx.status = 303;
    ctx.redirect(localPath(field(ctx, 'returnTo'), '/'));
  });
}
