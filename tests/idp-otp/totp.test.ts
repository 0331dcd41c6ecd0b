import { generateSync } from 'otplib';
import { describe, expect, it } from 'vitest';
import { generateTotpSecret, totpUri, verifyTotp } from '../../idp/totp/index.js';

// Ten seconds into a 30 s step, so ±30 s stays one step away and ±90 s is three.
const now = Date.UTC(2025, 0, 15, 9, 30, 10);
const nowSeconds = now / 1000;
const step = Math.floor(nowSeconds / 30);
const secret = generateTotpSecret();
const tokenAt = (epoch: number) => generateSync({ secret, epoch });

describe('TOTP', () => {
  it('makes a base32 secret and an otpauth URI for authenticator apps', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(totpUri({ secret, accountName: 'ana@example.org', issuer: 'Citizen BillPay' }));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Citizen BillPay:ana@example.org');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Citizen BillPay');
  });

  it('verifies the current code from otplib and returns its time step', () => {
    expect(verifyTotp(secret, tokenAt(nowSeconds), { now })).toBe(step);
  });

  it('accepts ±30 s of clock drift and returns the step that matched', () => {
    expect(verifyTotp(secret, tokenAt(nowSeconds - 30), { now })).toBe(step - 1);
    expect(verifyTotp(secret, tokenAt(nowSeconds + 30), { now })).toBe(step + 1);
  });

  it('refuses codes ±90 s away', () => {
    expect(verifyTotp(secret, tokenAt(nowSeconds - 90), { now })).toBeNull();
    expect(verifyTotp(secret, tokenAt(nowSeconds + 90), { now })).toBeNull();
  });

  it('refuses a non-numeric or wrongly sized token without throwing', () => {
    for (const token of ['abcdef', '12 456', '', '12345', '1234567', `${tokenAt(nowSeconds)} `]) {
      expect(verifyTotp(secret, token, { now })).toBeNull();
    }
  });

  it('uses the real clock by default', () => {
    expect(verifyTotp(secret, generateSync({ secret }))).toBeTypeOf('number');
  });
});
