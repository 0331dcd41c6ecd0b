import { describe, expect, it } from 'vitest';
import {
  type BillerDescriptor,
  InvalidConsumerNumberError,
  normaliseConsumerValue,
  validateConsumer,
} from '../../adapters/sdk/index.js';

const descriptor = {
  consumerParams: [{ name: 'consumerNumber', label: 'Consumer number', pattern: '\\d{10}', example: '1002003004' }],
} as unknown as BillerDescriptor;

describe('consumer numbers are normalised once, in the SDK', () => {
  it('trims surrounding spaces, tabs and newlines', () => {
    expect(normaliseConsumerValue(' \t1002003004\r\n ')).toBe('1002003004');
  });

  it('turns Devanagari, Bengali and other Unicode decimal digits into ASCII digits', () => {
    expect(normaliseConsumerValue('१००२००३००४')).toBe('1002003004');
    expect(normaliseConsumerValue('১০০২০০৩০০৪')).toBe('1002003004');
    // Full-width, Tamil and mathematical bold digits (a run holding several sets of ten).
    expect(normaliseConsumerValue('１２３')).toBe('123');
    expect(normaliseConsumerValue('௧௨௩')).toBe('123');
    expect(normaliseConsumerValue('𝟏𝟐𝟗')).toBe('129');
    expect(normaliseConsumerValue('W12-००4512')).toBe('W12-004512');
  });

  it("a number in Devanagari digits with stray spaces passes the biller's pattern as ASCII", () => {
    expect(validateConsumer(descriptor, { consumerNumber: ' १००२००३००४\t' })).toEqual({ consumerNumber: '1002003004' });
  });

  it('checks the pattern after normalising: letters and inner spaces are still refused', () => {
    expect(() => validateConsumer(descriptor, { consumerNumber: '10020 03004' })).toThrow(InvalidConsumerNumberError);
    expect(() => validateConsumer(descriptor, { consumerNumber: ' \n ' })).toThrow(/required/);
  });
});
