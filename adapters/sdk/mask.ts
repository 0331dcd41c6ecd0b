/** A customer's name as the hub may show and keep it: first letters only ("A*** V****"). */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .map((part) => `${part.slice(0, 1)}${'*'.repeat(Math.max(part.length - 1, 1))}`)
    .join(' ');
}

/**
 * A decimal amount as billers send it ("1234.50", or a JSON number) to integer minor units,
 * exactly: anything with more fraction digits than the currency has, or not a plain decimal,
 * is refused (undefined) rather than rounded.
 */
export function decimalToMinor(value: string | number, fractionDigits = 2): number | undefined {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const fraction = fractionDigits > 0 ? `(?:\\.(\\d{1,${fractionDigits}}))?` : '';
  const match = new RegExp(`^(-?)(\\d+)${fraction}$`).exec(text);
  if (!match) return undefined;
  const [, sign, whole = '', digits = ''] = match;
  const minor = Number(whole) * 10 ** fractionDigits + Number(digits.padEnd(fractionDigits, '0') || '0');
  if (!Number.isSafeInteger(minor)) return undefined;
  return sign && minor !== 0 ? -minor : minor;
}
