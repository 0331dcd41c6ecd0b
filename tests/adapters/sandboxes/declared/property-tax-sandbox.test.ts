import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { declaredSandboxBook } from '../../../../adapters/sandboxes/declared/index.js';
import { sandboxOfFolder } from '../../../../adapters/sandboxes/registry-sandboxes.js';
import { daysFromToday } from '../../../../adapters/sandboxes/shared/seeded.js';
import {
  API_KEY,
  PROPERTY_TAX_SANDBOX_FILE,
  propertyTax,
  type RunningSandbox,
  startPropertyTax,
} from './property-tax-harness.js';

/** The municipal property tax office's sandbox, served from adapters/property-tax/sandbox.yaml alone. */

const KNOWN = propertyTax.fixtures.known.assessmentNo as string;
const REJECTING = propertyTax.fixtures.rejecting.assessmentNo as string;
const UNKNOWN = propertyTax.fixtures.unknown.assessmentNo as string;
/** Listed in the file as paid up for the half-year. */
const PAID_UP = '012-000500';

const demandPath = (assessmentNo: string) => `/ptax/v1/assessments/${assessmentNo}/demand`;
const collectionRef = () => `HUB${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`;

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startPropertyTax();
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.call('DELETE', '/__sandbox/faults'));

/** A collection of the current demand of an assessment, in full. */
async function collectionFor(assessmentNo: string) {
  const { body } = await sandbox.call('GET', demandPath(assessmentNo));
  return {
    assessmentNo,
    demandNo: body.demand.demandNo as string,
    amountPaise: body.demand.totalPaise as number,
    collectionRef: collectionRef(),
    collectedAt: new Date().toISOString(),
  };
}

describe('property tax sandbox (declared)', () => {
  it('is the sandbox the contracts name: port 4104, PROPERTY_TAX_SANDBOX_PORT, its key and fixtures', () => {
    expect(propertyTax).toMatchObject({
      name: 'property-tax',
      defaultPort: 4104,
      portEnv: 'PROPERTY_TAX_SANDBOX_PORT',
      adapterOptions: { apiKey: 'sandbox-city-property-tax-0001' },
      fixtures: {
        known: { assessmentNo: '012-000042' },
        unknown: { assessmentNo: '099-000001' },
        malformed: { assessmentNo: '12-42' },
        rejecting: { assessmentNo: '012-000313' },
      },
    });
    expect(propertyTax.consumerKey({ assessmentNo: '012-000042' })).toBe('012-000042');
  });

  it("is found as the property-tax folder's sandbox, from sandbox.yaml with no code", async () => {
    const found = await sandboxOfFolder('property-tax');
    expect(found).toMatchObject({ name: 'property-tax', defaultPort: 4104, fixtures: propertyTax.fixtures });
  });

  it('answers 401 UNAUTHORISED without the X-Municipal-Key header, and with a wrong key', async () => {
    for (const headers of [{}, { 'x-municipal-key': 'not-the-key' }] as Record<string, string>[]) {
      const answer = await sandbox.call('GET', demandPath(KNOWN), undefined, headers);
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('UNAUTHORISED');
    }
  });

  it("gives a known assessment's half-year demand with components that add up to the total, in paise", async () => {
    const { status, body } = await sandbox.call('GET', demandPath(KNOWN));
    expect(status).toBe(200);
    expect(body.assessment).toEqual({
      assessmentNo: KNOWN,
      ownerName: 'Meena Iyer',
      ward: '012',
      propertyUse: 'RESIDENTIAL',
    });
    const { demand } = body;
    expect(demand.financialYear).toMatch(/^\d{4}-\d{2}$/);
    expect(demand.demandNo).toBe(`PT/${demand.financialYear}/${demand.halfYear}/${KNOWN}`);
    expect(demand.components.map((c: { head: string }) => c.head)).toEqual([
      'GENERAL_TAX',
      'WATER_BENEFIT_TAX',
      'EDUCATION_CESS',
      'ARREARS',
    ]);
    for (const component of demand.components) expect(Number.isSafeInteger(component.amountPaise)).toBe(true);
    const sum = demand.components.reduce((total: number, c: { amountPaise: number }) => total + c.amountPaise, 0);
    expect(demand.totalPaise).toBe(sum);
    // Rateable value 48,000 rupees: 6% + 1.5% + 1% of it for the half-year, plus 1,250 rupees of arrears.
    expect(demand.totalPaise).toBe(288_000 + 72_000 + 48_000 + 125_000);
    // Issued 10 days before today's Indian date, due 60 days after issue.
    expect(demand.issuedOn).toBe(daysFromToday(-10));
    expect(demand.dueOn).toBe(daysFromToday(50));
  });

  it('answers 404 ASSESSMENT_NOT_FOUND, 400 for a malformed number and 409 NO_DEMAND_DUE when paid up', async () => {
    const unknown = await sandbox.call('GET', demandPath(UNKNOWN));
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'ASSESSMENT_NOT_FOUND' } } });
    const malformed = await sandbox.call('GET', demandPath('12-42'));
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'INVALID_ASSESSMENT_NO' } } });
    const paidUp = await sandbox.call('GET', demandPath(PAID_UP));
    expect(paidUp).toMatchObject({ status: 409, body: { error: { code: 'NO_DEMAND_DUE' } } });
  });

  it('records a collection once however often its collectionRef is posted, with the same receipt', async () => {
    const collection = await collectionFor(KNOWN);
    const first = await sandbox.call('POST', '/ptax/v1/collections', collection);
    expect(first.status).toBe(201);
    expect(first.body.collection).toMatchObject({ collectionRef: collection.collectionRef, state: 'POSTED' });
    expect(first.body.collection.receiptNo).toMatch(/^PTR[0-9A-F]{12}$/);
    const again = await sandbox.call('POST', '/ptax/v1/collections', collection);
    expect(again).toEqual({ status: 200, body: first.body });
    const counted = await sandbox.call('GET', `/__sandbox/postings?reference=${collection.collectionRef}`);
    expect(counted.body).toEqual({
      count: 1,
      state: 'accepted',
      amountMinor: collection.amountPaise,
      billNumber: collection.demandNo,
    });
  });

  it('refuses a collection against an attached property with 422 PROPERTY_ATTACHED, for good', async () => {
    const collection = await collectionFor(REJECTING);
    const refused = await sandbox.call('POST', '/ptax/v1/collections', collection);
    expect(refused).toMatchObject({ status: 422, body: { error: { code: 'PROPERTY_ATTACHED' } } });
    const again = await sandbox.call('POST', '/ptax/v1/collections', collection);
    expect(again).toMatchObject({ status: 422, body: { error: { code: 'PROPERTY_ATTACHED' } } });
    const status = await sandbox.call('GET', `/ptax/v1/collections/${collection.collectionRef}`);
    expect(status.body.collection).toEqual({ collectionRef: collection.collectionRef, state: 'FAILED' });
  });

  it('refuses an amount other than the total (AMOUNT_MISMATCH) and another demand (DEMAND_MISMATCH)', async () => {
    const collection = await collectionFor(KNOWN);
    for (const amountPaise of [collection.amountPaise - 1, collection.amountPaise + 100]) {
      const short = await sandbox.call('POST', '/ptax/v1/collections', {
        ...collection,
        amountPaise,
        collectionRef: collectionRef(),
      });
      expect(short).toMatchObject({ status: 422, body: { error: { code: 'AMOUNT_MISMATCH' } } });
    }
    const otherDemand = await sandbox.call('POST', '/ptax/v1/collections', {
      ...collection,
      demandNo: 'PT/2020-21/H1/012-000042',
      collectionRef: collectionRef(),
    });
    expect(otherDemand).toMatchObject({ status: 422, body: { error: { code: 'DEMAND_MISMATCH' } } });
    const paidUp = await sandbox.call('POST', '/ptax/v1/collections', {
      ...collection,
      assessmentNo: PAID_UP,
      collectionRef: collectionRef(),
    });
    expect(paidUp).toMatchObject({ status: 422, body: { error: { code: 'DEMAND_MISMATCH' } } });
  });

  it('answers 400 INVALID_REQUEST for a body without its fields, and 404 for an unknown assessment', async () => {
    const bad = await sandbox.call('POST', '/ptax/v1/collections', { assessmentNo: KNOWN, amountPaise: '12.50' });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
    expect(bad.body.error.message).toContain('amountPaise');
    const collection = await collectionFor(KNOWN);
    const unknown = await sandbox.call('POST', '/ptax/v1/collections', { ...collection, assessmentNo: UNKNOWN });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'ASSESSMENT_NOT_FOUND' } } });
    expect((await sandbox.call('GET', `/__sandbox/postings?reference=${collection.collectionRef}`)).body.count).toBe(0);
  });

  it('answers a body that is not JSON with 400 INVALID_REQUEST in the office’s error shape', async () => {
    const res = await fetch(`${sandbox.baseUrl}/ptax/v1/collections`, {
      method: 'POST',
      headers: { 'x-municipal-key': API_KEY, 'content-type': 'application/json' },
      body: '{"assessmentNo": ',
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
  });

  it('reports a collection POSTED by its collectionRef, and 404 COLLECTION_NOT_FOUND for another', async () => {
    const collection = await collectionFor(KNOWN);
    const created = await sandbox.call('POST', '/ptax/v1/collections', collection);
    const status = await sandbox.call('GET', `/ptax/v1/collections/${collection.collectionRef}`);
    expect(status).toEqual({ status: 200, body: created.body });
    const missing = await sandbox.call('GET', `/ptax/v1/collections/${collectionRef()}`);
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'COLLECTION_NOT_FOUND' } } });
  });

  it('answers 503 while an injected error_5xx lasts, then recovers', async () => {
    await sandbox.call('POST', '/__sandbox/faults', { consumer: KNOWN, kind: 'error_5xx', times: 2 });
    expect((await sandbox.call('GET', demandPath(KNOWN))).status).toBe(503);
    const second = await sandbox.call('GET', demandPath(KNOWN));
    expect(second).toMatchObject({ status: 503, body: { error: { code: 'SERVICE_UNAVAILABLE' } } });
    expect((await sandbox.call('GET', demandPath(KNOWN))).status).toBe(200);
  });

  it('keeps a collection QUEUED under pending_then_accept until its time has passed, then POSTED', async () => {
    const collection = await collectionFor(KNOWN);
    await sandbox.call('POST', '/__sandbox/faults', { consumer: KNOWN, kind: 'pending_then_accept', ms: 500 });
    const queued = await sandbox.call('POST', '/ptax/v1/collections', collection);
    expect(queued.status).toBe(201);
    expect(queued.body.collection.state).toBe('QUEUED');
    await sandbox.call('DELETE', '/__sandbox/faults');
    const path = `/ptax/v1/collections/${collection.collectionRef}`;
    expect((await sandbox.call('GET', path)).body.collection.state).toBe('QUEUED');
    await vi.waitFor(async () => expect((await sandbox.call('GET', path)).body.collection.state).toBe('POSTED'), {
      timeout: 10_000,
      interval: 100,
    });
  });

  it('refuses the next collection when a reject fault is injected, with the declared code', async () => {
    const collection = await collectionFor(KNOWN);
    await sandbox.call('POST', '/__sandbox/faults', { consumer: KNOWN, kind: 'reject', times: 1 });
    const refused = await sandbox.call('POST', '/ptax/v1/collections', collection);
    expect(refused).toMatchObject({ status: 422, body: { error: { code: 'PROPERTY_ATTACHED' } } });
    const next = await sandbox.call('POST', '/ptax/v1/collections', { ...collection, collectionRef: collectionRef() });
    expect(next.status).toBe(201);
  });

  it('lists the day’s POSTED collections in its collection report', async () => {
    const collection = await collectionFor(KNOWN);
    const { body } = await sandbox.call('POST', '/ptax/v1/collections', collection);
    const today = daysFromToday(0);
    const report = await sandbox.call('GET', `/ptax/v1/collections?date=${today}`);
    expect(report.status).toBe(200);
    expect(report.body.collections).toContainEqual(
      expect.objectContaining({
        collectionRef: collection.collectionRef,
        receiptNo: body.collection.receiptNo,
        assessmentNo: KNOWN,
        amountPaise: collection.amountPaise,
      }),
    );
    const bad = await sandbox.call('GET', '/ptax/v1/collections?date=yesterday');
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'INVALID_DATE' } } });
  });

  it('answers the health control and an unknown route in the API’s error shape', async () => {
    expect(await sandbox.call('GET', '/__sandbox/health', undefined, {})).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
    const none = await sandbox.call('GET', '/ptax/v2/nothing');
    expect(none).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });
});

describe('property tax books', () => {
  it('hold as many consumers as asked, the default 200 the first of any larger book, the same each build', () => {
    const now = new Date();
    const standard = declaredSandboxBook(PROPERTY_TAX_SANDBOX_FILE, 200, now);
    const large = declaredSandboxBook(PROPERTY_TAX_SANDBOX_FILE, 5_000, now);
    expect(standard.size).toBe(200);
    expect(large.size).toBe(5_000);
    expect([...large.entries()].slice(0, 200)).toEqual([...standard.entries()]);
    expect(declaredSandboxBook(PROPERTY_TAX_SANDBOX_FILE, 200, now)).toEqual(standard);
    expect(large.has(UNKNOWN)).toBe(false);
    for (const entry of large.values()) {
      expect(entry.key).toMatch(/^\d{3}-\d{6}$/);
      if (!entry.demand) continue;
      const { generalTaxPaise, waterBenefitTaxPaise, educationCessPaise, arrearsPaise, totalPaise } = entry.demand;
      expect(Number.isSafeInteger(totalPaise)).toBe(true);
      expect(totalPaise).toBe(
        (generalTaxPaise as number) +
          (waterBenefitTaxPaise as number) +
          (educationCessPaise as number) +
          (arrearsPaise as number),
      );
    }
    expect(() => declaredSandboxBook(PROPERTY_TAX_SANDBOX_FILE, 3)).toThrow(RangeError);
  });

  it('a sandbox started with a larger book answers for an assessment past the default 200', async () => {
    const book = [...declaredSandboxBook(PROPERTY_TAX_SANDBOX_FILE, 1_000).values()];
    const beyond = book.find((entry, i) => i >= 200 && entry.demand);
    if (!beyond) throw new Error('no assessment with a demand past the first 200');
    const larger = await startPropertyTax({ consumers: 1_000 });
    try {
      const answer = await larger.call('GET', demandPath(beyond.key));
      expect(answer.status).toBe(200);
      expect(answer.body.demand.totalPaise).toBe(beyond.demand?.totalPaise);
      // The default book does not have it.
      expect((await sandbox.call('GET', demandPath(beyond.key))).status).toBe(404);
    } finally {
      await larger.close();
    }
  });
});
