import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { afterAll, describe, expect, it } from 'vitest';
import electricityDiscom from '../../adapters/electricity-discom/index.js';
import {
  createElectricityDiscomSandbox,
  defaultSandboxCredentials as electricityCredentials,
} from '../../adapters/electricity-discom/sandbox/app.js';
import { FIXTURES as ELECTRICITY } from '../../adapters/electricity-discom/sandbox/data.js';
import { daysFromToday, indianDate } from '../../adapters/sandboxes/shared/seeded.js';
import { type BillerOperations, BillerRejectedError, payableOn } from '../../adapters/sdk/index.js';
import waterBoard from '../../adapters/water-board/index.js';
import {
  createWaterBoardSandbox,
  defaultSandboxCredentials as waterCredentials,
} from '../../adapters/water-board/sandbox/app.js';
import { FIXTURES as WATER } from '../../adapters/water-board/sandbox/data.js';

// Generous: these calls are local, and a busy machine must not turn slowness into a failure.
const timeoutMs = 20_000;
const servers: Server[] = [];
const closers: Array<() => unknown> = [];

async function listen(app: Koa): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A clock the test sets: the sandbox asks it whenever it decides early or late. */
function testClock() {
  let now = new Date();
  return {
    clock: () => now,
    set: (at: string) => {
      now = new Date(at);
    },
  };
}

let n = 0;
const reference = () => `HUBISTTEST${String(++n).padStart(10, '0')}`;

describe("sandboxes choose early and late amounts by India's date, as the hub does", () => {
  afterAll(async () => {
    for (const close of closers) await close();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("reads today's date in India, which is a day ahead of UTC from 18:30 UTC", () => {
    expect(indianDate(new Date('2026-03-31T18:29:59Z'))).toBe('2026-03-31');
    expect(indianDate(new Date('2026-03-31T18:30:00Z'))).toBe('2026-04-01');
    expect(daysFromToday(1, new Date('2026-12-31T19:00:00Z'))).toBe('2027-01-02');
  });

  it('the discom asks for the late fee from 00:00 IST after the due date, while it is still the due date in UTC', async () => {
    const time = testClock();
    const adapter: BillerOperations = electricityDiscom.create(
      electricityDiscom.options.parse({
        baseUrl: await listen(createElectricityDiscomSandbox({ clock: time.clock })),
        ...electricityCredentials,
        timeoutMs,
        retries: 0,
      }),
      {},
    );
    closers.push(() => adapter.close?.());
    const bill = await adapter.fetchBill(ELECTRICITY.known);
    const lateFrom = bill.latePayment?.from;
    if (!lateFrom) throw new Error('the known consumer has no late fee');
    const post = (amountMinor: number) =>
      adapter.postPayment({
        reference: reference(),
        consumer: ELECTRICITY.known,
        billNumber: bill.billNumber,
        amountMinor,
        paidAt: time.clock().toISOString(),
      });

    // 23:30 IST on the due date: the amount due, without the fee.
    time.set(`${bill.dueDate}T18:00:00Z`);
    expect(payableOn(bill, indianDate(time.clock()))).toBe(bill.amountDueMinor);
    expect((await post(bill.amountDueMinor)).status).toBe('accepted');

    // 00:30 IST the day after (still the due date in UTC): the hub asks for the fee, and so does the discom.
    time.set(`${bill.dueDate}T19:00:00Z`);
    expect(indianDate(time.clock())).toBe(lateFrom);
    expect(payableOn(bill, indianDate(time.clock()))).toBe(bill.latePayment?.amountMinor);
    await expect(post(bill.amountDueMinor)).rejects.toBeInstanceOf(BillerRejectedError);
    expect((await post(bill.latePayment?.amountMinor as number)).status).toBe('accepted');
  });

  it('the water board gives its rebate until 23:59 IST on the rebate date, not until 23:59 UTC', async () => {
    const time = testClock();
    const adapter: BillerOperations = waterBoard.create(
      waterBoard.options.parse({
        baseUrl: await listen(createWaterBoardSandbox({ clock: time.clock })),
        ...waterCredentials,
        timeoutMs,
        retries: 0,
      }),
      {},
    );
    closers.push(() => adapter.close?.());
    const bill = await adapter.fetchBill(WATER.known);
    const early = bill.earlyPayment;
    if (!early) throw new Error('the known connection has no rebate');
    const post = () =>
      adapter.postPayment({
        reference: reference(),
        consumer: WATER.known,
        billNumber: bill.billNumber,
        amountMinor: early.amountMinor,
        paidAt: time.clock().toISOString(),
      });

    time.set(`${early.until}T18:00:00Z`);
    expect(payableOn(bill, indianDate(time.clock()))).toBe(early.amountMinor);
    expect((await post()).status).toBe('accepted');

    // 00:30 IST the next day: no rebate any more, in the hub and at the board alike.
    time.set(`${early.until}T19:00:00Z`);
    expect(payableOn(bill, indianDate(time.clock()))).not.toBe(early.amountMinor);
    await expect(post()).rejects.toBeInstanceOf(BillerRejectedError);
  });
});
