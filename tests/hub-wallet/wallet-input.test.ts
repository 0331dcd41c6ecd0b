import { describe, expect, it } from 'vitest';
import { normaliseTransactionId, normaliseWalletNumber } from '../../hub/wallet/wallet-input.js';

describe('what a payer types for a wallet payment', () => {
  it('a wallet number in any usual spelling is the same 10-digit mobile number', () => {
    for (const typed of [
      '9876543210',
      '98765 43210',
      '+91 98765-43210',
      '+919876543210',
      '09876543210',
      '919876543210',
    ]) {
      expect(normaliseWalletNumber(typed)).toBe('9876543210');
    }
  });

  it('a number that is not an Indian mobile number is refused', () => {
    for (const typed of ['12345', '5876543210', '98765432101', 'abcdefghij', '', undefined]) {
      expect(normaliseWalletNumber(typed)).toBeNull();
    }
  });

  it('a transaction id typed with spaces, hyphens or small letters is the same id', () => {
    expect(normaliseTransactionId(' wt-1234 5678 ')).toBe('WT12345678');
    expect(normaliseTransactionId('WT12345678')).toBe('WT12345678');
  });

  it('a transaction id too short or with other characters is refused', () => {
    for (const typed of ['WT12', 'WT1234#5678', 'x'.repeat(41), 42]) expect(normaliseTransactionId(typed)).toBeNull();
  });
});
