import { describe, expect, it } from 'vitest';
import { asciiDigits, rupeeAmounts } from './support/checks.js';

describe('reading amounts on pages in any language', () => {
  it('reads Devanagari and Bengali digits as the same ASCII digits, zero to nine', () => {
    expect(asciiDigits('०१२३४५६७८९')).toBe('0123456789');
    expect(asciiDigits('০১২৩৪৫৬৭৮৯')).toBe('0123456789');
  });

  it('reads a rupee amount written in Hindi or Bengali digits as the same paise as in English', () => {
    expect(rupeeAmounts('₹1,82,607.00')).toEqual([18_260_700]);
    expect(rupeeAmounts('₹१,८२,६०७.००')).toEqual([18_260_700]);
    expect(rupeeAmounts('₹১,৮২,৬০৭.০০')).toEqual([18_260_700]);
  });
});
