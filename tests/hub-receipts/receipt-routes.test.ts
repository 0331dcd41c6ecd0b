import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiptViewSchema, verifiedReceiptSchema } from '../../hub/receipts/receipt-schemas.js';
import type { ReceiptView } from '../../hub/receipts/receipt-view.js';
import { freshConsumers, payableToday } from '../hub-api/fresh-consumers.js';
import { startTestHub, type TestHub } from '../hub-api/test-hub.js';
import { Browser } from '../idp/support/browser.js';
import { login, relyingParty } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';
import { payAtHostedCheckout } from '../support/hosted-checkout.js';

const FINAL = ['completed', 'partially_refunded', 'refunded'];

/**
 * The receipt routes end to end: a citizen signs in at the idp (with her name), pays an
 * electricity, a water and a gas bill in one checkout, and the worker issues the receipt.
 */
describe('receipt routes', () => {
  let idp: TestIdp;
  let hub: TestHub;
  let meera: string;
  let ravi: string;
  let paymentId: string;
  let receipt: ReceiptView;
  const consumers = freshConsumers()();
  const dir = mkdtempSync(join(tmpdir(), 'receipt-routes-'));

  const api = (path: string, token?: string) =>
    fetch(`${hub.url}/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  /** The bill and what is payable on it today. */
  const lineFor = async (billerId: string, consumer: Record<string, string>) => {
    const res = await api(`/billers/${billerId}/bill?${new URLSearchParams(consumer)}`, meera);
    const { bill } = (await res.json()) as { bill: Parameters<typeof payableToday>[0] & { billNumber: string } };
    return { billerId, consumer, billNumber: bill.billNumber, amountMinor: payableToday(bill) };
  };

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    hub = await startTestHub(idp.issuer, HUB_API, {}, true);
    const rp = await relyingParty(idp, idp.hub);
    const token = async (identifier: string, name: string) =>
      (
        await login(idp, new Browser([idp.hub.redirectUri]), rp, idp.hub, {
          identifier,
          name,
          scope: 'openid profile bills:read payments:read payments:write',
          resource: HUB_API,
        })
      ).tokens.access_token;
    meera = await token('meera.receipts@example.org', 'Meera Das');
    ravi = await token('ravi.receipts@example.org', 'Ravi Kumar');

    const lines = [
      await lineFor('state-electricity', consumers.electricity),
      await lineFor('city-water', { connectionId: 'W12-004512' }),
      await lineFor('metro-gas', consumers.gas),
    ];
    const created = await fetch(`${hub.url}/api/v1/checkouts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${meera}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify({ lines }),
    });
    expect(created.status).toBe(201);
    const { payment, checkoutUrl } = (await created.json()) as { payment: { id: string }; checkoutUrl: string };
    paymentId = payment.id;
    await payAtHostedCheckout(checkoutUrl);
    // The worker settles every line, then issues the receipt: wait for it, generously.
    for (let i = 0; i < 300; i++) {
      const res = await api(`/payments/${paymentId}/receipt`, meera);
      if (res.status === 200) {
        receipt = (await res.json()) as ReceiptView;
        if (FINAL.includes(receipt.status)) break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!receipt) throw new Error(`no receipt for ${paymentId}`);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await hub?.close();
    await idp?.close();
  });

  it("answers the payer's receipt as JSON: her name from the idp, every bill's facts, masked numbers, no-store", async () => {
    const res = await api(`/payments/${paymentId}/receipt`, meera);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.text();
    expect(receiptViewSchema.safeParse(JSON.parse(body)).error).toBeUndefined();
    expect(receipt).toMatchObject({
      receiptNumber: `RCT${paymentId.slice(3)}`,
      paymentId,
      status: 'completed',
      payerName: 'Meera Das',
      method: 'upi',
      refunds: [],
    });
    expect(receipt.gatewayReference).toBeTruthy();
    expect(receipt.lines.map((l) => l.billerId)).toEqual(['state-electricity', 'city-water', 'metro-gas']);
    for (const line of receipt.lines) {
      expect(line.status).toBe('settled');
      expect(line.billerReference).toBeTruthy();
      expect(line.breakup.length).toBeGreaterThan(0);
      expect(line.period?.to).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(line.billNumberMasked).toMatch(/^\*+.{4}$/);
      // The breakup adds up to the amount due; the rebate or late fee makes it what was paid.
      const due = line.breakup.reduce((sum, item) => sum + item.amountMinor, 0);
      expect(line.amountDueMinor).toBe(due);
      expect(due + (line.adjustment?.amountMinor ?? 0)).toBe(line.amountMinor);
    }
    // Never a consumer number in full, not even inside a bill number.
    for (const value of [consumers.electricity.consumerNumber, 'W12-004512', consumers.gas.bpNumber]) {
      expect(body).not.toContain(value);
    }
    expect(receipt.verifyUrl).toMatch(new RegExp(`^${hub.url}/verify\\?t=[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
  });

  it("refuses a caller without a token (401) and hides another citizen's receipt (404)", async () => {
    for (const path of [`/payments/${paymentId}/receipt`, `/payments/${paymentId}/receipt.pdf`]) {
      const anonymous = await api(path);
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.headers.get('www-authenticate'), path).toMatch(/^Bearer/);
      const other = await api(path, ravi);
      expect(other.status, path).toBe(404);
      expect(((await other.json()) as { code: string }).code).toBe('receipt_not_found');
    }
  });

  it('downloads the PDF as an attachment named for the receipt: one A4 page with ₹ amounts and the payer', async () => {
    const res = await api(`/payments/${paymentId}/receipt.pdf`, meera);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="receipt-${receipt.receiptNumber}.pdf"`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const file = join(dir, 'receipt.pdf');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const info = execFileSync('pdfinfo', [file], { timeout: 60_000, encoding: 'utf8' });
    expect(info).toMatch(/Pages:\s+1\n/);
    expect(info).toContain('595.28 x 841.89 pts (A4)');
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { timeout: 60_000, encoding: 'utf8' });
    expect(text).toContain(receipt.receiptNumber);
    expect(text).toContain('Meera Das');
    expect(text).toContain(receipt.lines[0]?.consumerMasked);
    expect(text).toMatch(/₹\d{1,2}(,\d{2})*,?\d{0,3}\.\d{2}/);
    expect(text).not.toContain(consumers.electricity.consumerNumber);
  });

  it('verifies the QR token publicly, without a token and without the payer, and refuses a tampered one', async () => {
    const token = new URL(receipt.verifyUrl).searchParams.get('t') as string;
    const res = await api(`/receipts/verify?t=${token}`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(verifiedReceiptSchema.safeParse(JSON.parse(body)).error).toBeUndefined();
    expect(JSON.parse(body)).toMatchObject({
      receiptNumber: receipt.receiptNumber,
      paymentId,
      totalMinor: receipt.totalMinor,
      status: 'completed',
      lines: receipt.lines.map((l) => ({ billerName: l.billerName, consumerMasked: l.consumerMasked })),
    });
    expect(body).not.toContain('Meera');
    expect(body).not.toContain('citizenSub');

    const [header, payload, signature] = token.split('.');
    const flipped = `${signature?.startsWith('A') ? 'B' : 'A'}${signature?.slice(1)}`;
    const tampered = await api(`/receipts/verify?t=${header}.${payload}.${flipped}`);
    expect(tampered.status).toBe(404);
    expect(tampered.headers.get('content-type')).toContain('application/problem+json');
    expect(((await tampered.json()) as { code: string }).code).toBe('receipt_not_verified');
    expect((await api('/receipts/verify')).status).toBe(400);
  });

  it('lists the receipt routes in the OpenAPI document with operationIds and response schemas', async () => {
    const document = (await (await api('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; security: unknown[] }>>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/payments/{paymentId}/receipt',
        '/payments/{paymentId}/receipt.pdf',
        '/receipts/verify',
      ]),
    );
    // Public: no token needed (the empty requirement), but a token sent must be valid.
    expect(document.paths['/receipts/verify']?.get?.security).toEqual([{}, { bearer: [] }, { idp: [] }]);
    expect(Object.keys(document.paths['/payments/{paymentId}/receipt']?.get?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '401', '403', '404']),
    );
  });
});
