/** Money is integer minor units (paise): safe integers only, so every sum stays exact. */
export function isPositiveMinor(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

export function isNonNegativeMinor(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Mongoose validators; the message names the path, never the value. */
export const positiveMinor = {
  validator: isPositiveMinor,
  message: '{PATH} must be a positive integer number of minor units',
};

export const nonNegativeMinor = {
  validator: isNonNegativeMinor,
  message: '{PATH} must be a non-negative integer number of minor units',
};

export const CURRENCIES = ['INR'] as const;
export type Currency = (typeof CURRENCIES)[number];
