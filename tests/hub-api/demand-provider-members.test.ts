import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInIndia } from '../../hub/bills/indian-day.js';
import { DemandStore } from '../../hub/demands/demand-store.js';
import { Browser } from '../idp/support/browser.js';
import { accessTokenAt, login, relyingParty } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';
import { machineClient, machineToken } from './machine-client.js';
import { callHubApi, startTestHub, type TestHub } from './test-hub.js';

const MEMBER = '+919800000021';
const SCOPES = 'openid provider demands:read demands:write';

function inDays(days: number): string {
  const [y, m, d] = todayInIndia().split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** A ₹1,000 + 18 % GST demand, in two instalments of ₹590 when `split`. */
function feeDemand(email: string, split = false) {
  return {
    payer: { email },
    title: 'Hall cleaning fee',
    lines: [
      {
        description: 'Cleaning',
        amountMinor: 100_000,
        taxMinor: 18_000,
        taxes: [
          { name: 'CGST', amountMinor: 9_000 },
          { name: 'SGST', amountMinor: 9_000 },
        ],
      },
    ],
    dueDate: inDays(40),
    ...(split
      ? {
          instalments: [
            { dueDate: inDays(10), amountMinor: 59_000 },
            { dueDate: inDays(40), amountMinor: 59_000 },
          ],
        }
      : {}),
  };
}

interface DemandJson {
  reference: string;
  status: string;
  instalments: { number: number; status: string; paidMinor: number }[];
  audit: { action: string; actor: string; actorLabel?: string; reason?: string }[];
}

/** A provider's members act through the hub's demand routes with their own sign-in, as its bulk client does. */
describe("a provider member's token at the hub's demand routes", () => {
  const bulk = machineClient('halls-bulk', ['demands:write', 'demands:read']);
  const stranger = machineClient('stranger-bulk', ['demands:write', 'demands:read']);
  let idp: TestIdp;
  let hub: TestHub;
  let dir: string;
  let memberToken: string;
  let memberSub: string;
  let citizenToken: string;

  const as = (token: string, path: string, init: { method?: string; body?: unknown } = {}) =>
    callHubApi(hub, path, token, {
      method: init.method ?? (init.body ? 'POST' : 'GET'),
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
      key: randomUUID(),
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roles-'));
    const rolesFile = join(dir, 'roles.json');
    writeFileSync(
      rolesFile,
      JSON.stringify({
        roles: { provider: { portals: ['partner-portal'] } },
        organisations: [
          { role: 'provider', id: 'city-halls', name: 'City Community Halls', members: [MEMBER], clients: [bulk.id] },
        ],
      }),
    );
    idp = await startTestIdp(
      { OTP_SENDS_PER_IP_PER_HOUR: '1000', IDP_ROLES_FILE: rolesFile, ...bulk.env, ...stranger.env },
      { extraClients: [bulk.entry, stranger.entry] },
    );
    hub = await startTestHub(idp.issuer, HUB_API);
    const member = await login(
      idp,
      new Browser([idp.partner.redirectUri]),
      await relyingParty(idp, idp.partner),
      idp.partner,
      { identifier: MEMBER, name: 'Hall Clerk', scope: SCOPES, resource: HUB_API },
    );
    memberToken = member.tokens.access_token;
    memberSub = String(decodeJwt(member.tokens.id_token as string).sub);
    citizenToken = await accessTokenAt(idp, idp.hub, {
      identifier: 'someone.else@example.org',
      scope: 'openid bills:read payments:write',
      resource: HUB_API,
    });
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("raises a demand for the member's provider and names the member (sub) in the audit trail", async () => {
    const res = await as(memberToken, '/demands', { body: feeDemand('payer.one@example.org') });
    expect(res.status, await res.clone().text()).toBe(201);
    const demand = (await res.json()) as DemandJson;
    expect(demand.audit).toEqual([expect.objectContaining({ action: 'created', actor: memberSub })]);
    const stored = await new DemandStore(hub.service.mongo).findByReference(demand.reference);
    expect(stored?.providerId).toBe('city-halls');
  });

  it("amends and cancels with the member named as the actor of each, and the provider's bulk client sees the same demands", async () => {
    const created = (await (
      await as(memberToken, '/demands', { body: feeDemand('payer.two@example.org') })
    ).json()) as DemandJson;
    const amend = await as(memberToken, `/demands/${created.reference}`, {
      method: 'PATCH',
      body: { reason: 'payer asked for a clearer title', title: 'Hall cleaning fee (March)' },
    });
    expect(amend.status, await amend.clone().text()).toBe(200);
    const bulkToken = await machineToken(idp, bulk, 'demands:write demands:read');
    // The bulk client acts for the same organisation: it finds the member's demand and cancels it.
    const cancel = await as(bulkToken, `/demands/${created.reference}/cancel`, {
      body: { reason: 'booking withdrawn' },
    });
    expect(cancel.status, await cancel.clone().text()).toBe(200);
    const audit = ((await cancel.json()) as DemandJson).audit.map(({ action, actor, reason }) => ({
      action,
      actor,
      reason,
    }));
    expect(audit).toEqual([
      { action: 'created', actor: memberSub, reason: undefined },
      { action: 'amended', actor: memberSub, reason: 'payer asked for a clearer title' },
      { action: 'cancelled', actor: bulk.id, reason: 'booking withdrawn' },
    ]);
    // A client acting for no organisation is its own provider: the demand is not its own.
    const strangerToken = await machineToken(idp, stranger, 'demands:read');
    expect((await as(strangerToken, `/demands/${created.reference}`)).status).toBe(404);
  });

  it('lists with the totals collected and outstanding of everything the filter matches, and each instalment paid or open', async () => {
    const payer = `totals.${randomUUID().slice(0, 8)}@example.org`;
    const split = (await (await as(memberToken, '/demands', { body: feeDemand(payer, true) })).json()) as DemandJson;
    await as(memberToken, '/demands', { body: feeDemand(payer) });
    const cancelled = (await (await as(memberToken, '/demands', { body: feeDemand(payer) })).json()) as DemandJson;
    await as(memberToken, `/demands/${cancelled.reference}/cancel`, { body: { reason: 'raised twice' } });
    // The first instalment of the split demand is paid (as a posting from checkout records it).
    const store = new DemandStore(hub.service.mongo);
    const stored = await store.findByReference(split.reference);
    await store.recordPayment(String(stored?._id), {
      paymentId: `pay-${randomUUID()}`,
      instalments: [1],
      amountMinor: 59_000,
      paidAt: new Date(),
    });
    const res = await as(memberToken, `/demands?payer=${encodeURIComponent(payer)}&limit=1`);
    expect(res.status, await res.clone().text()).toBe(200);
    const page = (await res.json()) as { demands: DemandJson[]; totals: Record<string, number>; nextOffset?: number };
    // One demand on the page, but the totals are the filter's: 3 demands, ₹590 in, ₹590 + ₹1,180 still due.
    expect(page.demands).toHaveLength(1);
    expect(page.nextOffset).toBe(1);
    expect(page.totals).toEqual({ demands: 3, collectedMinor: 59_000, outstandingMinor: 59_000 + 118_000 });
    const open = (await (
      await as(memberToken, `/demands?payer=${encodeURIComponent(payer)}&status=partly_paid`)
    ).json()) as {
      demands: DemandJson[];
      totals: Record<string, number>;
    };
    expect(open.totals).toEqual({ demands: 1, collectedMinor: 59_000, outstandingMinor: 59_000 });
    expect(open.demands[0]?.instalments.map((i) => [i.number, i.status, i.paidMinor])).toEqual([
      [1, 'paid', 59_000],
      [2, 'open', 0],
    ]);
  });

  it('names the member in human terms in the audit trail (their name from the token), beside their subject', async () => {
    const tokenWith = async (scope: string) =>
      await accessTokenAt(idp, idp.partner, {
        identifier: MEMBER,
        name: 'Hall Clerk',
        scope,
        resource: HUB_API,
      });
    const named = await tokenWith(`openid profile phone ${SCOPES.replace('openid ', '')}`);
    const created = (await (
      await as(named, '/demands', { body: feeDemand('payer.label@example.org') })
    ).json()) as DemandJson & { audit: { actorLabel?: string }[] };
    const cancelled = (await (
      await as(named, `/demands/${created.reference}/cancel`, { body: { reason: 'raised by mistake' } })
    ).json()) as DemandJson & { audit: { actor: string; actorLabel?: string }[] };
    expect(cancelled.audit.map(({ action, actor, actorLabel }) => ({ action, actor, actorLabel }))).toEqual([
      { action: 'created', actor: memberSub, actorLabel: 'Hall Clerk' },
      { action: 'cancelled', actor: memberSub, actorLabel: 'Hall Clerk' },
    ]);
  });

  it("the same file uploaded by a member and by the organisation's bulk client, with different keys or none, raises its demands once", async () => {
    const csv = `payer_email,title,item,amount,due_date\nupload.once@example.org,Stall licence,Licence,1200,${inDays(30)}\n`;
    const upload = (token: string, key?: string) =>
      fetch(`${hub.url}/api/v1/demand-uploads`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'text/csv',
          ...(key ? { 'idempotency-key': key } : {}),
        },
        body: csv,
      });
    const first = await upload(memberToken, `upload-${randomUUID()}`);
    expect(first.status, await first.clone().text()).toBe(201);
    const bulkToken = await machineToken(idp, bulk, 'demands:write demands:read');
    const again = await upload(bulkToken);
    expect(again.status, await again.clone().text()).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const references = (await first.json()) as { references: string[] };
    expect(((await again.json()) as { references: string[] }).references).toEqual(references.references);
    const listed = (await (await as(memberToken, '/demands?payer=upload.once%40example.org')).json()) as {
      demands: DemandJson[];
    };
    expect(listed.demands).toHaveLength(1);
  });

  it("refuses a citizen's token (no provider) on the demand routes with 403 wrong_token_kind", async () => {
    const res = await as(citizenToken, '/demands');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'wrong_token_kind' });
  });

  it("refuses a member's token on a citizen's route: acting for a provider is not acting as a citizen", async () => {
    const res = await as(memberToken, '/accounts');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'wrong_token_kind' });
  });
});
