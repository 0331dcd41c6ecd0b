import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callHubApi, startTestHub, type TestHub } from '../hub-api/test-hub.js';
import { Browser } from '../idp/support/browser.js';
import { login, relyingParty } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';

const ALL_SCOPES = 'openid bills:read accounts:write payments:read payments:write';

describe('the autopay API', () => {
  let idp: TestIdp;
  let hub: TestHub;
  let asha: string;
  let ravi: string;
  let readOnly: string;

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    hub = await startTestHub(idp.issuer, HUB_API);
    const rp = await relyingParty(idp, idp.hub);
    const token = async (identifier: string, scope = ALL_SCOPES) =>
      (await login(idp, new Browser([idp.hub.redirectUri]), rp, idp.hub, { identifier, scope, resource: HUB_API }))
        .tokens.access_token;
    asha = await token('asha.autopay@example.org');
    ravi = await token('ravi.autopay@example.org');
    readOnly = await token('reader.autopay@example.org', 'openid bills:read payments:read');
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  const json = async <T>(response: Response, status: number): Promise<T> => {
    expect(response.status, await response.clone().text()).toBe(status);
    return (await response.json()) as T;
  };
  type View = { id: string; status: string; approvalUrl?: string; limitMinor: number; charges: unknown[] };

  it('turns autopay on for a saved account, approves it on the gateway page, then pauses, resumes and cancels it', async () => {
    const linked = await json<{ account: { id: string } }>(
      await callHubApi(hub, '/accounts', asha, {
        method: 'POST',
        body: JSON.stringify({ billerId: 'state-electricity', consumer: { consumerNumber: '1002003004' } }),
      }),
      201,
    );
    const accountId = linked.account.id;
    const pending = await json<View>(
      await callHubApi(hub, '/autopay', asha, {
        method: 'POST',
        body: JSON.stringify({ accountId, limitMinor: 500_000 }),
      }),
      201,
    );
    expect(pending).toMatchObject({ status: 'pending_approval', limitMinor: 500_000, charges: [] });
    expect(pending.approvalUrl).toMatch(new RegExp(`^${hub.sandboxes.gateway}/mandates/`));

    const approved = await fetch(pending.approvalUrl ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=approve',
      redirect: 'manual',
    });
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toContain(`/autopay/return?autopay=${pending.id}&mandate=`);

    const post = (path: string, token = asha) =>
      callHubApi(hub, `/autopay/${pending.id}/${path}`, token, { method: 'POST' });
    expect((await json<View>(await post('confirm'), 200)).status).toBe('active');
    expect((await json<View>(await post('pause'), 200)).status).toBe('paused');
    expect((await json<{ code: string }>(await post('pause'), 409)).code).toBe('autopay_not_active');
    expect((await json<View>(await post('resume'), 200)).status).toBe('active');
    expect((await json<View>(await post('cancel'), 200)).status).toBe('cancelled');

    const list = await json<{ autopays: View[]; maxLimitMinor: number }>(await callHubApi(hub, '/autopay', asha), 200);
    expect(list.autopays.map((a) => [a.id, a.status])).toEqual([[pending.id, 'cancelled']]);
    expect(list.maxLimitMinor).toBe(1_500_000);
  });

  it("refuses another citizen's autopay and account, a limit over the maximum, and a token without payments:write", async () => {
    const linked = await json<{ account: { id: string } }>(
      await callHubApi(hub, '/accounts', asha, {
        method: 'POST',
        body: JSON.stringify({ billerId: 'city-water', consumer: { connectionId: 'W12-004512' } }),
      }),
      201,
    );
    const body = (limitMinor: number) => ({
      method: 'POST',
      body: JSON.stringify({ accountId: linked.account.id, limitMinor }),
    });
    expect((await json<{ code: string }>(await callHubApi(hub, '/autopay', asha, body(1_500_001)), 422)).code).toBe(
      'limit_not_allowed',
    );
    expect((await callHubApi(hub, '/autopay', ravi, body(1_000))).status).toBe(404);
    expect((await callHubApi(hub, '/autopay', readOnly, body(1_000))).status).toBe(403);
    const mine = await json<View>(await callHubApi(hub, '/autopay', asha, body(1_000)), 201);
    expect((await callHubApi(hub, `/autopay/${mine.id}`, ravi)).status).toBe(404);
    expect((await callHubApi(hub, `/autopay/${mine.id}/cancel`, ravi, { method: 'POST' })).status).toBe(404);
    expect((await json<View>(await callHubApi(hub, `/autopay/${mine.id}`, asha), 200)).status).toBe('pending_approval');
  });

  it('documents the autopay routes in the OpenAPI document', async () => {
    const document = await json<{ paths: Record<string, Record<string, { operationId: string }>> }>(
      await fetch(`${hub.url}/api/v1/openapi.json`),
      200,
    );
    expect(document.paths['/autopay']?.post?.operationId).toBe('turnOnAutopay');
    expect(document.paths['/autopay/{autopayId}/cancel']?.post?.operationId).toBe('cancelAutopay');
  });
});
