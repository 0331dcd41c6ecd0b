import type { Channel } from '../../infra/notifier/index.js';
import type { NotificationChannel } from '../citizen-settings/settings-store.js';

/**
 * Where a citizen's messages go: the channel they chose in the portal's settings, among the
 * contacts known for them (`sms` falls back to email when no phone is known, and the other way
 * round; `both` sends to each known one); without a choice, email, else SMS. No contact, no channel.
 */
export function chooseChannels(contact: { email?: string; phone?: string }, chosen?: NotificationChannel): Channel[] {
  const known = (['email', 'sms'] as const).filter((channel) => (channel === 'email' ? contact.email : contact.phone));
  if (chosen === 'both') return known;
  const first = chosen === 'sms' ? known.find((c) => c === 'sms') : known.find((c) => c === 'email');
  const fallback = first ?? known[0];
  return fallback ? [fallback] : [];
}
