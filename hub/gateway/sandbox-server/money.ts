const grouping = new Intl.NumberFormat('en-IN');

/** Paise as rupees for people, e.g. 12345678 -> "₹1,23,456.78"; integer arithmetic only. */
export function formatRupees(minor: number): string {
  const paise = BigInt(minor);
  const fraction = String(paise % 100n).padStart(2, '0');
  return `₹${grouping.format(paise / 100n)}.${fraction}`;
}
