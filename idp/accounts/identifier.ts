import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { ValidationError } from '../../infra/errors.js';

/** How a citizen is known before they have an account: a phone (E.164) or an email (lowercased). */
export type Identifier = { kind: 'phone'; value: string } | { kind: 'email'; value: string };

const email = z.email();

/** Parses what a citizen typed; national phone numbers are read in the default region. */
export function parseIdentifier(input: string, defaultRegion: CountryCode): Identifier {
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > 254) {
    throw new ValidationError('enter a mobile number or an email address');
  }
  if (trimmed.includes('@')) {
    const lowered = trimmed.toLowerCase();
    if (!email.safeParse(lowered).success) throw new ValidationError('that email address does not look right');
    return { kind: 'email', value: lowered };
  }
  const phone = parsePhoneNumberFromString(trimmed, defaultRegion);
  if (!phone?.isValid()) throw new ValidationError('that mobile number does not look right');
  return { kind: 'phone', value: phone.number };
}

/** For pages and logs: enough to recognise, not enough to harvest. */
export function maskIdentifier(identifier: Identifier): string {
  if (identifier.kind === 'phone') return `${identifier.value.slice(0, 3)}******${identifier.value.slice(-4)}`;
  const [local = '', domain = ''] = identifier.value.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}
