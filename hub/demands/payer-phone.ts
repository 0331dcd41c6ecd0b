import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** What a provider is told when a payer's number is not an Indian mobile number. */
export const NOT_A_MOBILE = 'must be an Indian mobile number: 10 digits starting with 6, 7, 8 or 9 (or +91 and them)';

/**
 * A payer's mobile number in E.164 (+919876543210), or undefined when it is not an Indian mobile
 * number. Written nationally (98765 43210, 098765 43210) or with +91. The rule: the number is
 * Indian (+91) and libphonenumber-js (full metadata) says it is of type MOBILE, or its 10 national
 * digits start with 6 to 9 (TRAI's numbering plan for mobiles; a range newer than the metadata).
 * A landline (022 2888 1234) or a foreign number is refused: the demand's pay link goes by SMS,
 * which a landline never receives.
 */
export function indianMobile(typed: string): string | undefined {
  const parsed = parsePhoneNumberFromString(typed.trim(), 'IN');
  if (parsed?.countryCallingCode !== '91') return undefined;
  const tenDigitMobile = /^[6-9]\d{9}$/.test(parsed.nationalNumber);
  return (parsed.isValid() && parsed.getType() === 'MOBILE') || tenDigitMobile ? parsed.number : undefined;
}
