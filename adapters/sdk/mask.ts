/** A customer's name as the hub may show and keep it: first letters only ("A*** V****"). */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .map((part) => `${part.slice(0, 1)}${'*'.repeat(Math.max(part.length - 1, 1))}`)
    .join(' ');
}

/** Rupees-and-paise strings some billers use ("1234.50") to integer paise, exactly, or undefined. */
export function decimalToMinor(value: string | number, fractionDigits = 2): number | undefined {
  const text = typeof value === 'number' ? value.toFixed(fractionDigits) : value.trim();
  const match = new RegExp(`^(-?)(\\d+)(?:\\.(\\d{1,${fractionDigits}}))?$`).exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction = ''] = match;
  const minor = Number(whole) * 10 ** fractionDigits + Number(fraction.padEnd(fractionDigits, '0'));
  return Number.isSafeInteger(minor) ? (sign ? -minor : minor) : undefined;
}
