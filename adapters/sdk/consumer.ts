import type { BillerDescriptor, ConsumerRef } from './contract.js';
import { InvalidConsumerNumberError } from './errors.js';

const DECIMAL_DIGIT = /\p{Nd}/u;
const DECIMAL_DIGITS = /\p{Nd}/gu;

/**
 * The value of one Unicode decimal digit (general category Nd) as an ASCII digit. Unicode
 * guarantees every Nd digit sits in a contiguous run 0..9 (its stability policy), so the digit's
 * value is its distance from the start of its run, modulo 10 (some runs hold several sets of ten).
 */
function asciiDigit(digit: string): string {
  const code = digit.codePointAt(0) ?? 0x30;
  let start = code;
  while (start > 0 && DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start -= 1;
  return String((code - start) % 10);
}

/**
 * One consumer value in the single form the hub stores, compares, masks and sends to billers:
 * surrounding spaces, tabs and newlines trimmed, and every Unicode decimal digit (Devanagari
 * "१२३", Bengali "১২৩", any other \p{Nd}) turned into its ASCII digit. Why: citizens type or paste
 * numbers from bills printed in their own script and with stray spaces, and the same consumer must
 * be the same string for a bill fetch, a saved account's uniqueness and mask, and a checkout's
 * billKey. The biller's pattern is checked after this (see validateConsumer), never before.
 */
export function normaliseConsumerValue(value: string): string {
  return value.trim().replace(DECIMAL_DIGITS, asciiDigit);
}

/**
 * Checks a consumer reference against the biller's params before anything is sent: exactly
 * the declared params, each normalised (normaliseConsumerValue) and then matching its pattern in
 * full. Returns the normalised values, in the descriptor's param order. Throws
 * InvalidConsumerNumberError for a missing, malformed or unknown field.
 */
export function validateConsumer(descriptor: BillerDescriptor, consumer: ConsumerRef): ConsumerRef {
  const checked: ConsumerRef = {};
  for (const param of descriptor.consumerParams) {
    const value = consumer[param.name];
    const normalised = typeof value === 'string' ? normaliseConsumerValue(value) : '';
    if (normalised === '') {
      throw new InvalidConsumerNumberError(`${param.label} is required`);
    }
    if (!new RegExp(`^(?:${param.pattern})$`).test(normalised)) {
      throw new InvalidConsumerNumberError(`${param.label} should look like ${param.example}`);
    }
    checked[param.name] = normalised;
  }
  const unknown = Object.keys(consumer).filter((name) => !descriptor.consumerParams.some((p) => p.name === name));
  if (unknown.length) throw new InvalidConsumerNumberError(`unknown field ${unknown.join(', ')}`);
  return checked;
}
