import { decimalToMinor } from '../../adapters/sdk/mask.js';
import type { Charge, PlannedInstalment } from './demand-types.js';

// Reading one CSV cell. A cell that does not read returns { error } with a sentence for the
// provider; money is written in rupees (1500 or 1500.50) and never rounded: 1500.505 is refused.

export type Cell<T> = { value: T } | { error: string };

/** Rupees with at most two decimals, to paise. */
export function rupees(cell: string): Cell<number> {
  const paise = /^\d+(\.\d{1,2})?$/.test(cell) ? decimalToMinor(cell, 2) : undefined;
  return paise === undefined
    ? { error: `"${cell}" is not rupees like 1500 or 1500.50 (no commas or ₹)` }
    : { value: paise };
}

/** "1.5%" to basis points (150): at most two decimals. */
export function percent(cell: string): Cell<number> {
  const match = /^(\d+(?:\.\d{1,2})?)\s*%$/.exec(cell);
  const bp = match?.[1] ? decimalToMinor(match[1], 2) : undefined;
  return bp === undefined ? { error: `"${cell}" is not a percentage like 2% or 1.5%` } : { value: bp };
}

/** "2%" is a percentage of the instalment; "100" or "100.00" a flat amount in rupees. */
export const charge = (cell: string): Cell<Charge> => {
  if (cell.endsWith('%')) {
    const p = percent(cell);
    return 'error' in p ? p : { value: { kind: 'percent', basisPoints: p.value } };
  }
  const r = rupees(cell);
  return 'error' in r ? r : { value: { kind: 'flat', amountMinor: r.value } };
};

/** A whole number of days. */
export function days(cell: string): Cell<number> {
  return /^\d{1,4}$/.test(cell) ? { value: Number(cell) } : { error: `"${cell}" is not a whole number of days` };
}

/** "2500@2026-01-15; 2500.50@2026-02-15": rupees@due date, separated by semicolons. */
export function instalmentList(cell: string): Cell<PlannedInstalment[]> {
  const plan: PlannedInstalment[] = [];
  for (const part of cell.split(';').map((p) => p.trim())) {
    const [amount = '', dueDate = '', extra] = part.split('@').map((p) => p.trim());
    const money = rupees(amount);
    if (extra !== undefined || !dueDate || 'error' in money) {
      return {
        error: `"${part}" is not an instalment like 2500.00@2026-01-15 (rupees@due date; several separated by ;)`,
      };
    }
    plan.push({ amountMinor: money.value, dueDate });
  }
  return { value: plan };
}
