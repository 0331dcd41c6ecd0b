import { describe, expect, it } from 'vitest';
import { loadHubConfig } from '../../hub/config.js';
import { receiptOptionsOf } from '../../hub/receipts/receipt-service.js';

const base = {
  MONGODB_URI: 'mongodb://localhost/x',
  REDIS_URL: 'redis://localhost',
  GATEWAY_API_KEY: 'k'.repeat(16),
  GATEWAY_WEBHOOK_SECRET: 's'.repeat(16),
};
const KEY = 'r'.repeat(32);

describe('receipt settings', () => {
  it('production refuses to start without a receipt signing key, naming the variable', () => {
    expect(() => loadHubConfig({ ...base, NODE_ENV: 'production' })).toThrow(/RECEIPT_SIGNING_KEYS: is required/);
    expect(loadHubConfig({ ...base, NODE_ENV: 'production', RECEIPT_SIGNING_KEYS: KEY }).RECEIPT_SIGNING_KEYS).toEqual([
      KEY,
    ]);
  });

  it('refuses a key shorter than 32 characters and reads a rotation list, first key first', () => {
    expect(() => loadHubConfig({ ...base, RECEIPT_SIGNING_KEYS: 'short' })).toThrow(/RECEIPT_SIGNING_KEYS/);
    const config = loadHubConfig({ ...base, RECEIPT_SIGNING_KEYS: ` ${KEY} , ${'o'.repeat(40)}` });
    expect(config.RECEIPT_SIGNING_KEYS).toEqual([KEY, 'o'.repeat(40)]);
  });

  it('points QR codes at HUB_PUBLIC_URL, else at the URL the hub runs on', async () => {
    const configured = loadHubConfig({ ...base, HUB_PUBLIC_URL: 'https://billpay.example.in' });
    expect(receiptOptionsOf(configured, 'http://localhost:3000').publicUrl).toBe('https://billpay.example.in');
    expect(receiptOptionsOf(loadHubConfig(base), 'http://localhost:3000').publicUrl).toBe('http://localhost:3000');
    expect(() => loadHubConfig({ ...base, HUB_PUBLIC_URL: 'ftp://example.in' })).toThrow(/HUB_PUBLIC_URL/);
  });
});
