import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { amountOptionProblems } from '../amount-options.js';
import { checkAmount, payableOn } from '../amount-rules.js';
import type { BillerDescriptor, BillerOperations, ConsumerRef, PaymentPosting } from '../contract.js';
import {
  BillerRejectedError,
  BillerUnavailableError,
  ConsumerNotFoundError,
  InvalidConsumerNumberError,
} from '../errors.js';

/** Consumers the biller (or its sandbox) knows in a given way. */
export interface ContractFixtures {
  /** Has a current bill. */
  known: ConsumerRef;
  /** Well formed, but the biller has no such consumer. */
  unknown: ConsumerRef;
  /** Breaks the descriptor's pattern. */
  malformed: ConsumerRef;
  /** The biller refuses payments for it, for good. */
  rejecting: ConsumerRef;
}

export type Fault =
  | { kind: 'error_5xx'; times: number }
  | { kind: 'latency'; ms: number }
  | { kind: 'pending_then_accept'; ms: number };

/** How the suite makes the biller misbehave, and sees what it recorded. */
export interface BillerProbe {
  inject(consumer: ConsumerRef, fault: Fault): Promise<void>;
  reset(): Promise<void>;
  /** How many postings the biller recorded under the hub's reference. */
  postingsWith(reference: string): Promise<number>;
}

export interface ContractSetup {
  descriptor: BillerDescriptor;
  adapter: BillerOperations;
  fixtures: ContractFixtures;
  probe: BillerProbe;
  /** The adapter's per-attempt timeout and retries, to check that the timeout is honoured. */
  timeoutMs: number;
  retries: number;
}

const today = () => new Date().toISOString().slice(0, 10);
const posting = (consumer: ConsumerRef, billNumber: string, amountMinor: number): PaymentPosting => ({
  reference: `HUB${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`,
  consumer,
  billNumber,
  amountMinor,
  paidAt: new Date().toISOString(),
});

/**
 * The standard suite every adapter passes against a running instance of its biller:
 * `runAdapterContract('my utility', async () => ({ ...setup }))` inside a vitest file.
 */
export function runAdapterContract(name: string, setup: () => Promise<ContractSetup>): void {
  describe(`biller adapter contract: ${name}`, () => {
    let s: ContractSetup;
    beforeAll(async () => {
      s = await setup();
    });
    afterEach(async () => {
      await s.probe.reset();
    });

    it('fetches the bill of a known consumer in integer minor units', async () => {
      const bill = await s.adapter.fetchBill(s.fixtures.known);
      expect(bill.currency).toBe(s.descriptor.currency);
      expect(bill.billNumber).not.toBe('');
      expect(Number.isSafeInteger(bill.amountDueMinor) && bill.amountDueMinor > 0).toBe(true);
      for (const line of bill.breakup) expect(Number.isSafeInteger(line.amountMinor)).toBe(true);
      expect(bill.breakup.reduce((sum, line) => sum + line.amountMinor, 0)).toBe(bill.amountDueMinor);
      expect(bill.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(bill.customerName).toContain('*');
      expect(Number.isNaN(Date.parse(bill.fetchedAt))).toBe(false);
      // Amount options, where the biller gives them, keep their documented invariants.
      expect(amountOptionProblems(bill)).toEqual([]);
    });

    it('says a well-formed but unknown consumer is not found', async () => {
      await expect(s.adapter.fetchBill(s.fixtures.unknown)).rejects.toBeInstanceOf(ConsumerNotFoundError);
    });

    it('refuses a malformed consumer number before calling the biller', async () => {
      const error = await s.adapter.fetchBill(s.fixtures.malformed).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidConsumerNumberError);
      expect((error as InvalidConsumerNumberError).retryable).toBe(false);
    });

    it("applies the biller's exactness to the amount due", async () => {
      const bill = await s.adapter.fetchBill(s.fixtures.known);
      const day = today();
      const due = payableOn(bill, day);
      expect(checkAmount(bill, s.descriptor.exactness, due, day).ok).toBe(true);
      expect(checkAmount(bill, s.descriptor.exactness, 0, day).ok).toBe(false);
      expect(checkAmount(bill, s.descriptor.exactness, due + 0.5, day).ok).toBe(false);
      if (bill.amountOptions) {
        // Options replace the exactness rule: each option's amount, and nothing in between.
        for (const option of bill.amountOptions) {
          expect(checkAmount(bill, s.descriptor.exactness, option.amountMinor, day).ok).toBe(true);
        }
        const between = bill.amountOptions.some((o) => o.amountMinor === due + 1);
        expect(checkAmount(bill, s.descriptor.exactness, due + 1, day).ok).toBe(between);
        return;
      }
      const above = checkAmount(bill, s.descriptor.exactness, due + 1, day).ok;
      const below = due > 1 && checkAmount(bill, s.descriptor.exactness, due - 1, day).ok;
      expect({ above, below }).toEqual({
        above: s.descriptor.exactness === 'EXACT_AND_ABOVE' || s.descriptor.exactness === 'ANY',
        below: s.descriptor.exactness === 'EXACT_AND_BELOW' || s.descriptor.exactness === 'ANY',
      });
    });

    it('posts a payment once however often the same reference is posted', async () => {
      const bill = await s.adapter.fetchBill(s.fixtures.known);
      const p = posting(s.fixtures.known, bill.billNumber, payableOn(bill, today()));
      const [first, second] = await Promise.all([s.adapter.postPayment(p), s.adapter.postPayment(p)]);
      const third = await s.adapter.postPayment(p);
      expect(first.status).toBe('accepted');
      expect(second.billerReference).toBe(first.billerReference);
      expect(third.billerReference).toBe(first.billerReference);
      expect(await s.probe.postingsWith(p.reference)).toBe(1);
    });

    it('reports the status of a posting, and not_found for an unknown reference', async () => {
      const bill = await s.adapter.fetchBill(s.fixtures.known);
      const p = posting(s.fixtures.known, bill.billNumber, payableOn(bill, today()));
      const posted = await s.adapter.postPayment(p);
      const status = await s.adapter.paymentStatus(p.reference);
      expect(status).toMatchObject({
        reference: p.reference,
        status: 'accepted',
        billerReference: posted.billerReference,
      });
      expect((await s.adapter.paymentStatus(posting(s.fixtures.known, 'x', 1).reference)).status).toBe('not_found');
    });

    it('turns a refusal by the biller into a final BillerRejectedError with its code', async () => {
      const bill = await s.adapter.fetchBill(s.fixtures.rejecting).catch(() => undefined);
      const p = posting(s.fixtures.rejecting, bill?.billNumber ?? 'UNKNOWN', bill ? payableOn(bill, today()) : 100);
      const error = await s.adapter.postPayment(p).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BillerRejectedError);
      expect((error as BillerRejectedError).retryable).toBe(false);
      expect((error as BillerRejectedError).billerCode).toBeTruthy();
      expect((await s.adapter.paymentStatus(p.reference)).status).toMatch(/^(rejected|not_found)$/);
    });

    it('retries a passing 5xx and reports a lasting one as retryable', async () => {
      const bill = await s.adapter.fetchBill(s.fixtures.known);
      await s.probe.inject(s.fixtures.known, { kind: 'error_5xx', times: 1 });
      await expect(s.adapter.fetchBill(s.fixtures.known)).resolves.toHaveProperty('billNumber');

      await s.probe.inject(s.fixtures.known, { kind: 'error_5xx', times: 1_000 });
      const error = await s.adapter.fetchBill(s.fixtures.known).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BillerUnavailableError);
      expect((error as BillerUnavailableError).retryable).toBe(true);

      // A posting that failed this way is posted again later under the same reference, once.
      const p = posting(s.fixtures.known, bill.billNumber, payableOn(bill, today()));
      await expect(s.adapter.postPayment(p)).rejects.toBeInstanceOf(BillerUnavailableError);
      await s.probe.reset();
      expect((await s.adapter.postPayment(p)).status).toBe('accepted');
      expect(await s.probe.postingsWith(p.reference)).toBe(1);
    });

    it('reports a pending posting as pending until the biller confirms it', async () => {
      const bill = await s.adapter.fetchBill(s.fixtures.known);
      await s.probe.inject(s.fixtures.known, { kind: 'pending_then_accept', ms: 300 });
      const p = posting(s.fixtures.known, bill.billNumber, payableOn(bill, today()));
      expect((await s.adapter.postPayment(p)).status).toBe('pending');
      expect((await s.adapter.paymentStatus(p.reference)).status).toBe('pending');
      await new Promise((r) => setTimeout(r, 400));
      expect((await s.adapter.paymentStatus(p.reference)).status).toBe('accepted');
    });

    it('gives up on a biller that does not answer within its timeout', async () => {
      await s.probe.inject(s.fixtures.known, { kind: 'latency', ms: s.timeoutMs * 4 });
      const started = Date.now();
      const error = await s.adapter.fetchBill(s.fixtures.known).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BillerUnavailableError);
      // Each attempt stops at the timeout; backoff between attempts is at most a second.
      expect(Date.now() - started).toBeLessThan(s.timeoutMs * (s.retries + 1) + 1_000 * s.retries + 500);
    });
  });
}
