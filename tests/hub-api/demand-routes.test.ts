import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInIndia } from '../../hub/bills/indian-day.js';
import { readCaptured } from '../../infra/notifier/index.js';
import type { Redis } from '../../infra/redis.js';
import { hallRentLine, LATE_FEE_2_PERCENT } from '../hub-demands/fixtures.js';
import { accessTokenAt } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';
import { type MachineClient, machineClient, machineToken } from './machine-client.js';
import { startTestHub, type TestHub } from './test-hub.js';

const DEMAND_SCOPES = ['demands:write', 'demands:read'];
const PORTAL = 'https://portal.billpay.example.in';

/** The Indian day `days` after today, YYYY-MM-DD (due dates must not be in the past). */
function inDays(days: number): string {
  const [y, m, d] = todayInIndia().split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

interface DemandBody {
  reference: string;
  status: string;
  totalMinor: number;
  paidMinor: number;
  outstandingMinor: number;
  version: number;
  instalments: { number: number; dueDate: string; amountMinor: number; status: string }[];
  payableToday?: { day: string; nextMinor: number; allMinor: number; instalments: { payableMinor: number }[] };
  audit: {
    action: string;
    actor: string;
    reason?: string;
    changes: { path: string; before?: unknown; after?: unknown }[];
  }[];
}

/** A hall booking of ₹30,000 + 18 % GST in three instalments of ₹11,800 (the README's example). */
function hallBooking(email: string) {
  return {
    payer: { email, phone: '98765 43210' },
    title: 'Community hall booking',
    lines: [hallRentLine()],
    dueDate: inDays(70),
    instalments: [
      { dueDate: inDays(10), amountMinor: 1_180_000 },
      { dueDate: inDays(40), amountMinor: 1_180_000 },
      { dueDate: inDays(70), amountMinor: 1_180_000 },
    ],
    lateFee: LATE_FEE_2_PERCENT(),
  };
}

/** The provider API for payment demands, end to end: the idp's client credentials tokens at the hub. */
describe('the provider API for payment demands', () => {
  const providerA = machineClient('municipal-hall', DEMAND_SCOPES);
  const providerB = machineClient('housing-society', DEMAND_SCOPES);
  const directoryOnly = machineClient('directory-reader', ['billers:read']);
  let idp: TestIdp;
  let hub: TestHub;
  const tokens = new Map<string, string>();
  let citizenToken: string;

  const tokenOf = async (client: MachineClient) => await machineToken(idp, client, DEMAND_SCOPES.join(' '));

  const api = (
    path: string,
    init: { token?: string; method?: string; body?: unknown; csv?: string; key?: string } = {},
  ) =>
    fetch(`${hub.url}/api/v1${path}`, {
      method: init.method ?? (init.body !== undefined || init.csv !== undefined ? 'POST' : 'GET'),
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.csv !== undefined ? { 'content-type': 'text/csv' } : {}),
        ...(init.key ? { 'idempotency-key': init.key } : {}),
      },
      body: init.csv ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
    });
  const asA = () => tokens.get(providerA.id) as string;
  const asB = () => tokens.get(providerB.id) as string;
  const create = async (body: unknown, key = randomUUID(), token = asA()) => {
    const res = await api('/demands', { token, body, key });
    expect(res.status, await res.clone().text()).toBe(201);
    return { res, demand: (await res.json()) as DemandBody };
  };
  const listOf = async (query: string, token = asA()) => {
    const res = await api(`/demands${query}`, { token });
    expect(res.status).toBe(200);
    return (await res.json()) as { demands: DemandBody[]; nextOffset?: number };
  };

  beforeAll(async () => {
    idp = await startTestIdp(
      { ...providerA.env, ...providerB.env, ...directoryOnly.env, OTP_SENDS_PER_IP_PER_HOUR: '1000' },
      { extraClients: [providerA.entry, providerB.entry, directoryOnly.entry] },
    );
    hub = await startTestHub(idp.issuer, HUB_API, { PORTAL_PUBLIC_URL: PORTAL });
    tokens.set(providerA.id, await tokenOf(providerA));
    tokens.set(providerB.id, await tokenOf(providerB));
    citizenToken = await accessTokenAt(idp, idp.hub, {
      identifier: 'demand.payer@example.org',
      scope: 'openid bills:read accounts:write payments:read payments:write',
      resource: HUB_API,
    });
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it('creates a demand in three instalments: a reference, each amount, and what is payable today', async () => {
    const { demand } = await create(hallBooking('asha@example.org'));
    expect(demand.reference).toMatch(/^DM-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]$/);
    expect(demand.status).toBe('open');
    expect(demand.totalMinor).toBe(3_540_000);
    expect(demand.instalments.map((i) => [i.number, i.amountMinor, i.status])).toEqual([
      [1, 1_180_000, 'open'],
      [2, 1_180_000, 'open'],
      [3, 1_180_000, 'open'],
    ]);
    // Nothing is late yet: the next instalment costs its amount, all three their sum.
    expect(demand.payableToday).toMatchObject({ day: todayInIndia(), nextMinor: 1_180_000, allMinor: 3_540_000 });
    expect(demand.audit).toEqual([expect.objectContaining({ action: 'created', actor: providerA.id })]);
    const read = await api(`/demands/${demand.reference}`, { token: asA() });
    expect(read.status).toBe(200);
    expect(((await read.json()) as DemandBody).reference).toBe(demand.reference);
  });

  it('answers a retry with the same Idempotency-Key with the same demand, created once', async () => {
    const key = randomUUID();
    const body = hallBooking('retry@example.org');
    const first = await create(body, key);
    const again = await create(body, key);
    expect(again.res.headers.get('idempotent-replayed')).toBe('true');
    expect(again.demand.reference).toBe(first.demand.reference);
    const { demands } = await listOf('?payer=retry@example.org');
    expect(demands.map((d) => d.reference)).toEqual([first.demand.reference]);
  });

  it('refuses the same Idempotency-Key with another demand (409 idempotency_key_reused) and one without a key', async () => {
    const key = randomUUID();
    await create(hallBooking('key.reuse@example.org'), key);
    const other = await api('/demands', {
      token: asA(),
      body: { ...hallBooking('key.reuse@example.org'), title: 'Else' },
      key,
    });
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ code: 'idempotency_key_reused' });
    const keyless = await api('/demands', { token: asA(), body: hallBooking('key.reuse@example.org') });
    expect(keyless.status).toBe(400);
  });

  it('refuses instalments that do not add up to the total with a 400 naming the field, and creates nothing', async () => {
    const body = hallBooking('bad.plan@example.org');
    body.instalments[2] = { dueDate: inDays(70), amountMinor: 1_000_000 };
    const res = await api('/demands', { token: asA(), body, key: randomUUID() });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('instalments');
    expect((await listOf('?payer=bad.plan@example.org')).demands).toEqual([]);
  });

  it('answers a CSV upload with a bad row with a 422 naming its row and column, and creates none of its rows', async () => {
    const csv = [
      'payer_email,title,item,amount,due_date',
      `upload.good@example.org,Maintenance,Society maintenance,4500,${inDays(30)}`,
      `upload.bad@example.org,Maintenance,Society maintenance,45x0,${inDays(30)}`,
    ].join('\n');
    const res = await api('/demand-uploads', { token: asA(), csv, key: randomUUID() });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { code: string; errors: { row: number; column: string; message: string }[] };
    expect(problem.code).toBe('invalid_upload');
    expect(problem.errors).toEqual([{ row: 3, column: 'amount', message: expect.any(String) }]);
    expect((await listOf('?payer=upload.good@example.org')).demands).toEqual([]);
  });

  it('creates every row of a good upload, tells each payer, and a re-upload with the key replays it', async () => {
    const csv = [
      'payer_phone,payer_email,title,item,amount,igst,due_date,instalments',
      `,row.one@example.org,Stall licence,Stall licence,1200.50,216.09,${inDays(30)},`,
      `9812345678,row.two@example.org,Hall,Hall rent,1000,180,${inDays(60)},590@${inDays(30)};590@${inDays(60)}`,
    ].join('\n');
    const key = randomUUID();
    const res = await api('/demand-uploads', { token: asA(), csv, key });
    expect(res.status, await res.clone().text()).toBe(201);
    const result = (await res.json()) as { created: number; references: string[]; demands: { row: number }[] };
    expect(result.created).toBe(2);
    expect(result.demands.map((d) => d.row)).toEqual([2, 3]);
    const second = (await (await api(`/demands/${result.references[1]}`, { token: asA() })).json()) as DemandBody;
    expect(second.instalments.map((i) => i.amountMinor)).toEqual([59_000, 59_000]);
    const [told] = await readCaptured(hub.service.redis as Redis, 'row.one@example.org');
    expect(told?.text).toContain(`${PORTAL}/demands/${result.references[0]}`);
    const replay = await api('/demand-uploads', { token: asA(), csv, key });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as { references: string[] }).references).toEqual(result.references);
  });

  it("tells the payer by email and SMS: demand_received with the reference and the portal's pay link", async () => {
    const { demand } = await create(hallBooking('told@example.org'));
    const link = `${PORTAL}/demands/${demand.reference}`;
    const [email] = await readCaptured(hub.service.redis as Redis, 'told@example.org');
    expect(email).toMatchObject({ channel: 'email', subject: expect.stringContaining(demand.reference) });
    expect(email?.text).toContain(link);
    const [sms] = await readCaptured(hub.service.redis as Redis, '+919876543210');
    expect(sms?.channel).toBe('sms');
    expect(sms?.text).toContain(demand.reference);
    expect(sms?.text).toContain(link);
  });

  it("names the provider in the payer's message by its display name from the idp, not its client id", async () => {
    const { demand } = await create(hallBooking('named@example.org'));
    const [email] = await readCaptured(hub.service.redis as Redis, 'named@example.org');
    expect(email?.subject).toContain(`from Machine ${providerA.id}`);
    expect(email?.text).toContain(`Machine ${providerA.id} has sent you a payment request`);
    expect(email?.text).toContain(demand.reference);
  });

  it('shows a cancelled demand as cancelled, with the reason in its audit trail, and refuses to amend it', async () => {
    const { demand } = await create(hallBooking('cancelled@example.org'));
    const res = await api(`/demands/${demand.reference}/cancel`, {
      token: asA(),
      body: { reason: 'Booking withdrawn by the payer' },
    });
    expect(res.status).toBe(200);
    const read = (await (await api(`/demands/${demand.reference}`, { token: asA() })).json()) as DemandBody;
    expect(read.status).toBe('cancelled');
    expect(read.instalments.every((i) => i.status === 'cancelled')).toBe(true);
    expect(read.payableToday).toBeUndefined();
    expect(read.audit.at(-1)).toMatchObject({ action: 'cancelled', reason: 'Booking withdrawn by the payer' });
    const amend = await api(`/demands/${demand.reference}`, {
      token: asA(),
      method: 'PATCH',
      body: { reason: 'too late', title: 'Another title' },
    });
    expect(amend.status).toBe(409);
    expect((await listOf('?status=cancelled&payer=cancelled@example.org')).demands).toHaveLength(1);
  });

  it('records an amendment in the audit trail with the field before and after, and refuses a stale version', async () => {
    const { demand } = await create(hallBooking('amended@example.org'));
    const res = await api(`/demands/${demand.reference}`, {
      token: asA(),
      method: 'PATCH',
      body: { reason: 'Booking moved to the main hall', title: 'Main hall booking', expectedVersion: demand.version },
    });
    expect(res.status).toBe(200);
    const read = (await (await api(`/demands/${demand.reference}`, { token: asA() })).json()) as DemandBody;
    expect(read.audit.at(-1)).toMatchObject({
      action: 'amended',
      actor: providerA.id,
      reason: 'Booking moved to the main hall',
      changes: [{ path: 'title', before: 'Community hall booking', after: 'Main hall booking' }],
    });
    const stale = await api(`/demands/${demand.reference}`, {
      token: asA(),
      method: 'PATCH',
      body: { reason: 'again', title: 'Small hall booking', expectedVersion: demand.version },
    });
    expect(stale.status).toBe(409);
  });

  it('answers another provider 404 for a demand it did not raise (read, cancel, amend) and never lists or exports it', async () => {
    const { demand } = await create(hallBooking('private@example.org'));
    const path = `/demands/${demand.reference}`;
    for (const res of [
      await api(path, { token: asB() }),
      await api(`${path}/cancel`, { token: asB(), body: { reason: 'not mine' } }),
      await api(path, { token: asB(), method: 'PATCH', body: { reason: 'not mine', title: 'Taken' } }),
    ]) {
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'not_found' });
    }
    expect((await listOf('?payer=private@example.org', asB())).demands).toEqual([]);
    const exported = await (await api('/demands.csv', { token: asB() })).text();
    expect(exported).not.toContain(demand.reference);
    // Untouched by the attempts.
    const read = (await (await api(path, { token: asA() })).json()) as DemandBody;
    expect(read).toMatchObject({ status: 'open', version: demand.version });
  });

  it("refuses a citizen's token on every demand route with a 403 wrong_token_kind problem", async () => {
    const { demand } = await create(hallBooking('citizen.refused@example.org'));
    for (const [path, method, body] of [
      ['/demands', 'GET', undefined],
      ['/demands', 'POST', hallBooking('x@example.org')],
      ['/demands.csv', 'GET', undefined],
      [`/demands/${demand.reference}`, 'GET', undefined],
      [`/demands/${demand.reference}/cancel`, 'POST', { reason: 'x' }],
    ] as const) {
      const res = await api(path, { token: citizenToken, method, body, key: randomUUID() });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'wrong_token_kind' });
    }
  });

  it("refuses a client's own token without the demand scopes with a 403 insufficient_scope problem", async () => {
    const token = await machineToken(idp, directoryOnly, 'billers:read');
    const write = await api('/demands', { token, body: hallBooking('no.scope@example.org'), key: randomUUID() });
    expect(write.status).toBe(403);
    expect(await write.json()).toMatchObject({ code: 'insufficient_scope' });
    const read = await api('/demands', { token });
    expect(read.status).toBe(403);
    expect(read.headers.get('www-authenticate')).toContain('demands:read');
  });

  it('exports one CSV row per instalment with its collection status, and pages the list by limit and offset', async () => {
    const { demand } = await create(hallBooking('export@example.org'));
    const res = await api('/demands.csv?payer=export@example.org', { token: asA() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="demands-\d{4}-\d{2}-\d{2}\.csv"/);
    const rows = parse(await res.text(), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.reference, r.instalment, r.instalment_amount, r.instalment_status])).toEqual([
      [demand.reference, '1', '11800.00', 'open'],
      [demand.reference, '2', '11800.00', 'open'],
      [demand.reference, '3', '11800.00', 'open'],
    ]);
    const first = await listOf('?limit=2&offset=0');
    expect(first.demands).toHaveLength(2);
    expect(first.nextOffset).toBe(2);
    const second = await listOf('?limit=2&offset=2');
    expect(second.demands.map((d) => d.reference)).not.toContain(first.demands[0]?.reference);
    const due = await listOf(`?dueFrom=${inDays(70)}&dueTo=${inDays(70)}&status=open&payer=export@example.org`);
    expect(due.demands.map((d) => d.reference)).toEqual([demand.reference]);
  });

  it('takes an untaxed line without taxMinor or taxes (0 and none), and reports a missing Idempotency-Key first and by name', async () => {
    const untaxed = {
      payer: { email: 'untaxed@example.org' },
      title: 'Hall deposit',
      lines: [{ description: 'Refundable deposit', amountMinor: 500_000 }],
      dueDate: inDays(20),
    };
    const { demand } = await create(untaxed);
    expect(demand.totalMinor).toBe(500_000);
    const noKey = await api('/demands', { token: asA(), body: { title: '' } });
    expect(noKey.status).toBe(400);
    expect(await noKey.json()).toMatchObject({
      fields: [{ field: 'Idempotency-Key', problem: 'the Idempotency-Key header is required' }],
    });
  });

  it("refuses a huge amount as too large, and a landline as the payer's mobile, each in words", async () => {
    const res = await api('/demands', {
      token: asA(),
      key: randomUUID(),
      body: {
        payer: { phone: '022 2888 1234' },
        title: 'Too much',
        lines: [{ description: 'Slipped key', amountMinor: 1e300 }],
        dueDate: inDays(20),
      },
    });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as {
      errors?: { field: string; message: string }[];
      fields?: { field: string; problem: string }[];
    };
    const messages = Object.fromEntries(
      (problem.errors ?? problem.fields?.map((f) => ({ field: f.field, message: f.problem })) ?? []).map((e) => [
        e.field,
        e.message,
      ]),
    );
    expect(messages['lines.0.amountMinor']).toMatch(/^is too large/);
    expect(messages['payer.phone']).toMatch(/^must be an Indian mobile number/);
  });

  it('refuses a due or raised date range that ends before it starts, naming the end', async () => {
    const res = await api(`/demands?dueFrom=${inDays(20)}&dueTo=${inDays(10)}`, { token: asA() });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ fields: [{ field: 'dueTo' }] });
  });

  it('documents every demand operation with its operationId, client tokens only, and the demand scopes', async () => {
    const document = (await (await api('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { operationId: string; 'x-token-kinds': string[]; responses: object }>>;
      components: { securitySchemes: { idp: { flows: { clientCredentials: { scopes: object } } } } };
    };
    const operations = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/demand'))
      .flatMap(([, ops]) => Object.values(ops));
    expect(operations.map((op) => op.operationId).sort()).toEqual([
      'amendDemand',
      'cancelDemand',
      'createDemand',
      'exportDemands',
      'getDemand',
      'listDemands',
      'uploadDemands',
    ]);
    for (const op of operations) expect(op['x-token-kinds']).toEqual(['member', 'client']);
    // Each path advertises exactly its own methods (none of /demands/{reference}'s).
    for (const [path, allow] of [
      ['/demand-uploads', 'POST'],
      ['/demands.csv', 'HEAD, GET'],
    ]) {
      const res = await fetch(`${hub.url}/api/v1${path}`, { method: 'OPTIONS' });
      expect(res.headers.get('allow')?.split(', ').sort(), path).toEqual(allow?.split(', ').sort());
    }
    expect(Object.keys(document.paths['/demand-uploads']?.post?.responses ?? {})).toContain('422');
    expect(Object.keys(document.components.securitySchemes.idp.flows.clientCredentials.scopes)).toEqual(
      expect.arrayContaining(DEMAND_SCOPES),
    );
  });
});
