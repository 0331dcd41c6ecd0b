/**
 * A small deterministic generator (mulberry32): the same seed gives every run, every machine
 * and every test the same consumers and bills.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Asha', 'Ravi', 'Meena', 'Arjun', 'Kavya', 'Imran', 'Sunita', 'Vikram', 'Lakshmi', 'Farhan'];
const LAST = ['Verma', 'Kumar', 'Iyer', 'Reddy', 'Khan', 'Das', 'Nair', 'Patel', 'Singh', 'Menon'];

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

export function personName(random: () => number): string {
  return `${pick(random, FIRST)} ${pick(random, LAST)}`;
}

/** Made once: building a DateTimeFormat costs far more than formatting with it (thousands of bills). */
const INDIAN_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' });

/** The date in India (YYYY-MM-DD, Asia/Kolkata) at `now`: billers' due dates are Indian dates, as the hub's. */
export function indianDate(now: Date = new Date()): string {
  return INDIAN_DATE.format(now);
}

/**
 * The Indian date (YYYY-MM-DD) `days` from today in India: bills stay current whenever the
 * sandbox starts, and early or late amounts switch at midnight IST, not UTC.
 */
export function daysFromToday(days: number, now: Date = new Date()): string {
  const date = new Date(`${indianDate(now)}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
