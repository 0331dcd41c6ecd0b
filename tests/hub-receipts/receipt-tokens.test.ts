import { SignJWT, UnsecuredJWT } from 'jose';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { bindingOf, ReceiptTokens } from '../../hub/receipts/receipt-tokens.js';

const KEY = 'receipt-test-signing-key-0123456789abcdef';
const receipt = {
  receiptNumber: 'RCT01JD3X6Q9ZT4W8K2M5N7P',
  paymentId: 'PAY01JD3X6Q9ZT4W8K2M5N7P',
  currency: 'INR',
  totalMinor: 18_260_700,
};

describe('receipt verification tokens', () => {
  it('a genuine token names its receipt and the facts it was made for', async () => {
    const tokens = new ReceiptTokens([KEY]);
    expect(await tokens.read(await tokens.sign(receipt))).toEqual({
      receiptNumber: receipt.receiptNumber,
      binding: bindingOf(receipt),
    });
  });

  it('binds the payment and the total: another payment, currency or total is another binding', () => {
    expect(bindingOf({ ...receipt, totalMinor: 18_260_701 })).not.toBe(bindingOf(receipt));
    expect(bindingOf({ ...receipt, paymentId: 'PAY01JD3X6Q9ZT4W8K2M5N7Q' })).not.toBe(bindingOf(receipt));
    expect(bindingOf({ ...receipt, currency: 'USD' })).not.toBe(bindingOf(receipt));
  });

  it('refuses a tampered token, one signed with another key, an unsigned one, and junk', async () => {
    const tokens = new ReceiptTokens([KEY]);
    const genuine = await tokens.sign(receipt);
    const [header, payload, signature] = genuine.split('.');
    const otherPayload = Buffer.from(JSON.stringify({ r: 'RCT01JD3X6Q9ZT4W8K2M5N7Q', h: bindingOf(receipt) })).toString(
      'base64url',
    );
    const forged = await new SignJWT({ r: receipt.receiptNumber, h: bindingOf(receipt) })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('someone-elses-key-0123456789abcdef!!'));
    const unsigned = new UnsecuredJWT({ r: receipt.receiptNumber, h: bindingOf(receipt) }).encode();

    expect(await tokens.read(`${header}.${otherPayload}.${signature}`)).toBeNull();
    // One character of the signature changed (its first: every bit of it counts).
    const flipped = `${signature?.startsWith('A') ? 'B' : 'A'}${signature?.slice(1)}`;
    expect(await tokens.read(`${header}.${payload}.${flipped}`)).toBeNull();
    expect(await tokens.read(forged)).toBeNull();
    expect(await tokens.read(unsigned)).toBeNull();
    expect(await tokens.read('not-a-token')).toBeNull();
    expect(await tokens.read('')).toBeNull();
    expect(await tokens.read(`${genuine}${'A'.repeat(600)}`)).toBeNull();
  });

  it('keeps verifying tokens of a retired key while a new key signs (rotation)', async () => {
    const old = await new ReceiptTokens([KEY]).sign(receipt);
    const rotated = new ReceiptTokens(['the-new-receipt-signing-key-0123456789', KEY]);
    expect((await rotated.read(old))?.receiptNumber).toBe(receipt.receiptNumber);
    expect(await new ReceiptTokens(['the-new-receipt-signing-key-0123456789']).read(old)).toBeNull();
  });

  it('is short enough for a QR code a phone reads off paper: the whole URL fits a version 9 code', async () => {
    const token = await new ReceiptTokens([KEY]).sign(receipt);
    expect(token.length).toBeLessThanOrEqual(140);
    const url = `https://billpay.example.gov.in/verify?t=${token}`;
    expect(QRCode.create(url, { errorCorrectionLevel: 'M' }).version).toBeLessThanOrEqual(9);
  });
});
