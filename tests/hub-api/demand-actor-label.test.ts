import { describe, expect, it } from 'vitest';
import { memberLabel } from '../../hub/api/access-token.js';

describe("a provider member's label in the audit trail", () => {
  it('is their name, else their masked mobile number, else their masked email, never the whole contact', () => {
    expect(memberLabel({ name: ' Hall Clerk ', phone_number: '+919800000001', email: 'halls@example.org' })).toBe(
      'Hall Clerk',
    );
    expect(memberLabel({ phone_number: '+919800000001', email: 'halls@example.org' })).toBe('+91 ******0001');
    expect(memberLabel({ email: 'halls@example.org' })).toBe('ha***@example.org');
    expect(memberLabel({})).toBeUndefined();
  });
});
