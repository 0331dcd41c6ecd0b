import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callHubApi, startTestHub, type TestHub } from '../hub-api/test-hub.js';
import { ago, HOUR, insertPayment } from './seed.js';
import { startTestTokens, TEST_RESOURCE, type TestTokens } from './token-issuer.js';

/** POST/GET /api/v1/payments/{id}/feedback: the citizen's own payment, once it is final, once. */
describe('post-payment feedback', () => {
  let tokens: TestTokens;
  let hub: TestHub;
  let meera: string;
  let arjun: string;
  const line = { billerId: 'state-electricity', amountMinor: 10_000, status: 'settled' as const, settledAfter: 5 };
  const paymentOf = async (status: 'completed' | 'refunded' | 'settling' | 'failed', citizenSub = 'meera') =>
    (
      await insertPayment(hub.service.mongo, {
        createdAt: ago(new Date(), HOUR),
        status,
        method: 'upi',
        capturedAfter: 5,
        citizenSub,
        lines: [
          status === 'refunded'
            ? { ...line, status: 'refunded' }
            : status === 'settling'
              ? { ...line, status: 'posting' }
              : line,
        ],
      })
    ).id;
  const give = (id: string, token: string, body: unknown) =>
    callHubApi(hub, `/payments/${id}/feedback`, token, { method: 'POST', body: JSON.stringify(body) });
  const read = (id: string, token: string) => callHubApi(hub, `/payments/${id}/feedback`, token);

  beforeAll(async () => {
    tokens = await startTestTokens();
    hub = await startTestHub(tokens.issuer, TEST_RESOURCE, { IDP_JWKS_URL: tokens.jwksUrl });
    [meera, arjun] = await Promise.all([tokens.citizen('meera'), tokens.citizen('arjun')]);
  });
  afterAll(async () => {
    await hub?.close();
    await tokens?.close();
  });

  it('records a score and comment on my completed payment, and shows it back', async () => {
    const id = await paymentOf('completed');
    expect((await read(id, meera)).status).toBe(404);
    const res = await give(id, meera, { score: 4, comment: '  quick and clear  ' });
    expect(res.status).toBe(201);
    const given = (await res.json()) as { score: number; comment?: string; at: string };
    expect(given).toMatchObject({ score: 4, comment: 'quick and clear' });
    expect(Date.parse(given.at)).not.toBeNaN();
    expect(await (await read(id, meera)).json()).toEqual(given);
  });

  it('refuses a second score on the same payment with 409, keeping the first', async () => {
    const id = await paymentOf('refunded');
    expect((await give(id, meera, { score: 1 })).status).toBe(201);
    const again = await give(id, meera, { score: 5 });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'feedback_already_given' });
    expect(await (await read(id, meera)).json()).toMatchObject({ score: 1 });
  });

  it('takes one of two scores sent at once and refuses the other with 409', async () => {
    const id = await paymentOf('completed');
    const answers = await Promise.all([give(id, meera, { score: 2 }), give(id, meera, { score: 3 })]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it("answers 404 for another citizen's payment, whether giving or reading", async () => {
    const id = await paymentOf('completed');
    expect((await give(id, arjun, { score: 5 })).status).toBe(404);
    expect((await give(id, meera, { score: 3 })).status).toBe(201);
    expect((await read(id, arjun)).status).toBe(404);
  });

  it('refuses feedback on a payment still settling or never paid with 409 payment_not_final', async () => {
    for (const status of ['settling', 'failed'] as const) {
      const res = await give(await paymentOf(status), meera, { score: 5 });
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ code: 'payment_not_final' });
    }
  });

  it('refuses a score outside 1..5, a fraction, or a comment over 500 characters, recording nothing', async () => {
    const id = await paymentOf('completed');
    for (const body of [
      { score: 0 },
      { score: 6 },
      { score: 2.5 },
      { score: '5' },
      { score: 3, comment: 'x'.repeat(501) },
      {},
    ]) {
      expect((await give(id, meera, body)).status).toBe(400);
    }
    expect((await read(id, meera)).status).toBe(404);
  });

  it("refuses an operator's token on the citizen's feedback route", async () => {
    const id = await paymentOf('completed');
    const res = await give(id, await tokens.operator('op-1'), { score: 5 });
    expect(res.status).toBe(403);
  });
});
