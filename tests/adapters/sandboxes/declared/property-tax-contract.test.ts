import { afterAll } from 'vitest';
import { sandboxProbe } from '../../../../adapters/sandboxes/shared/sandbox-probe.js';
import {
  type BillerDescriptor,
  type BillerOperations,
  BillerRejectedError,
  BillerUnavailableError,
  ConsumerNotFoundError,
  createBillerHttp,
  mapBillerStatus,
  maskName,
  type PostingResult,
  validateConsumer,
} from '../../../../adapters/sdk/index.js';
import { runAdapterContract } from '../../../../adapters/sdk/testkit/index.js';
import { API_KEY, propertyTax, type RunningSandbox, startPropertyTax } from './property-tax-harness.js';

/**
 * The contract kit, unchanged, against the declared property tax sandbox: proof that the sandbox
 * served from sandbox.yaml behaves as the kit expects of any biller. The adapter here is a minimal
 * one written for this test only, from the office's API (the biller's real adapter is its
 * declaration, adapters/property-tax/property-tax.biller.yaml).
 */

// Generous for a busy CI machine (a 300 ms call timed out once under a full parallel run).
const TIMEOUT_MS = 1_000;
const RETRIES = 1;

const descriptor: BillerDescriptor = {
  id: 'city-property-tax',
  name: 'Municipal Corporation Property Tax',
  category: 'other',
  consumerParams: [
    { name: 'assessmentNo', label: 'Assessment number', pattern: '\\d{3}-\\d{6}', example: '012-000042' },
  ],
  fetchRequirement: 'MANDATORY',
  exactness: 'EXACT',
  currency: 'INR',
};

interface WireError {
  error?: { code?: string; message?: string };
}
interface WireCollection {
  collection: { collectionRef: string; receiptNo?: string; state: string };
}

const HEADS: Record<string, string> = {
  GENERAL_TAX: 'General tax',
  WATER_BENEFIT_TAX: 'Water benefit tax',
  EDUCATION_CESS: 'Education cess',
  ARREARS: 'Arrears',
};

function propertyTaxAdapter(baseUrl: string): BillerOperations {
  const http = createBillerHttp({
    name: 'city-property-tax',
    baseURL: baseUrl,
    timeoutMs: TIMEOUT_MS,
    retries: RETRIES,
    headers: { 'X-Municipal-Key': API_KEY },
    secrets: [API_KEY],
  });
  const codeOf = (data: unknown) => (data as WireError).error?.code;
  const resultOf = ({ collection }: WireCollection): PostingResult => ({
    reference: collection.collectionRef,
    status: mapBillerStatus(collection.state, { accepted: ['POSTED'], rejected: ['FAILED', 'REVERSED'] }),
    ...(collection.receiptNo ? { billerReference: collection.receiptNo } : {}),
    billerStatus: collection.state,
  });
  return {
    async fetchBill(consumer) {
      const { assessmentNo } = validateConsumer(descriptor, consumer);
      const res = await http.request<{
        assessment: { ownerName: string };
        demand: {
          demandNo: string;
          issuedOn: string;
          dueOn: string;
          components: { head: string; amountPaise: number }[];
          totalPaise: number;
        };
      }>({ method: 'GET', url: `/ptax/v1/assessments/${encodeURIComponent(assessmentNo ?? '')}/demand` });
      if (res.status === 404 || res.status === 409) {
        throw new ConsumerNotFoundError('no demand for this assessment', codeOf(res.data));
      }
      if (res.status !== 200) throw new BillerUnavailableError(`demand answered ${res.status}`, codeOf(res.data));
      const { assessment, demand } = res.data;
      return {
        billNumber: demand.demandNo,
        customerName: maskName(assessment.ownerName),
        billDate: demand.issuedOn,
        dueDate: demand.dueOn,
        amountDueMinor: demand.totalPaise,
        breakup: demand.components.map((c) => ({ label: HEADS[c.head] ?? c.head, amountMinor: c.amountPaise })),
        currency: 'INR',
        fetchedAt: new Date().toISOString(),
      };
    },
    async postPayment(posting) {
      const { assessmentNo } = validateConsumer(descriptor, posting.consumer);
      const res = await http.request<WireCollection>({
        method: 'POST',
        url: '/ptax/v1/collections',
        data: {
          assessmentNo,
          demandNo: posting.billNumber,
          amountPaise: posting.amountMinor,
          collectionRef: posting.reference,
          collectedAt: posting.paidAt,
        },
      });
      if (res.status === 200 || res.status === 201) return resultOf(res.data);
      if (res.status === 422 || res.status === 404) {
        throw new BillerRejectedError('the tax office refused the collection', codeOf(res.data));
      }
      throw new BillerUnavailableError(`collection answered ${res.status}`, codeOf(res.data));
    },
    async paymentStatus(reference) {
      const res = await http.request<WireCollection>({
        method: 'GET',
        url: `/ptax/v1/collections/${encodeURIComponent(reference)}`,
      });
      if (res.status === 404) return { reference, status: 'not_found' };
      if (res.status !== 200) throw new BillerUnavailableError(`status answered ${res.status}`, codeOf(res.data));
      return resultOf(res.data);
    },
    close: async () => http.close(),
  };
}

let running: RunningSandbox | undefined;
let adapter: BillerOperations | undefined;
afterAll(async () => {
  await adapter?.close?.();
  await running?.close();
});

runAdapterContract('municipal property tax (declared sandbox)', async () => {
  running = await startPropertyTax();
  adapter = propertyTaxAdapter(running.baseUrl);
  return {
    descriptor,
    adapter,
    fixtures: propertyTax.fixtures,
    probe: sandboxProbe(running.baseUrl, propertyTax.consumerKey),
    timeoutMs: TIMEOUT_MS,
    retries: RETRIES,
  };
});
