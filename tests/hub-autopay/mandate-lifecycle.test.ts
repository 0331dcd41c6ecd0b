import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AutopayGateway, AutopayService } from '../../hub/autopay/index.js';
import { GatewayUnavailableError } from '../../hub/gateway/index.js';
import { type AutopayHarness, DAY, startAutopayHarness } from './harness.js';

let h: AutopayHarness;
beforeAll(async () => {
  h = await startAutopayHarness('autopay_lifecycle');
});
afterAll(() => h.close());

const at = (t0: Date, ms: number) => new Date(t0.getTime() + ms);
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ status: 0, code: 'not refused' }),
    (error: { status: number; code: string }) => ({ status: error.status, code: error.code }),
  );

describe('turning autopay on, pausing, resuming and cancelling it', () => {
  it('a new autopay waits for approval on the gateway page, and approving it there turns it on', async () => {
    const who = await h.citizen();
    const pending = await h.service.turnOn(who.sub, who.accountId, 40_000);
    expect(pending.status).toBe('pending_approval');
    expect(pending.mandate?.approvalUrl).toMatch(/\/mandates\/mdt_/);
    expect(await h.client.getMandate(pending.mandate?.mandateId ?? '')).toMatchObject({
      status: 'pending_approval',
      maxAmountMinor: 40_000,
    });
    const active = await h.turnOn(await h.citizen(), 40_000);
    expect(active.status).toBe('active');
  });

  it('a declined approval leaves autopay off, debits nothing, and the account can try again', async () => {
    const who = await h.citizen();
    const declined = await h.turnOn(who, 40_000, 'decline');
    expect(declined).toMatchObject({ status: 'failed', reason: 'declined' });
    const t0 = new Date();
    await h.scan(t0);
    await h.charge(at(t0, 2 * DAY));
    expect(await h.store.listCharges(declined._id)).toHaveLength(0);
    expect(h.messagesTo(who)).toHaveLength(0);
    expect((await h.turnOn(who, 40_000)).status).toBe('active');
  });

  it('an approval the citizen never came back from is followed by the scan', async () => {
    const who = await h.citizen();
    const pending = await h.service.turnOn(who.sub, who.accountId, 40_000);
    await h.gw.api('POST', `/v1/mandates/${pending.mandate?.mandateId}/simulate`, { decision: 'approve' });
    await h.scan(new Date());
    expect((await h.store.findAutopay(pending._id))?.status).toBe('active');
  });

  it('a paused mandate charges nothing, keeps its mandate, and resumes', async () => {
    const who = await h.citizen(10_500, 10);
    const autopay = await h.turnOn(who, 40_000);
    const t0 = new Date();
    await h.scan(t0);
    expect((await h.service.pause(who.sub, autopay._id)).status).toBe('paused');

    await h.charge(at(t0, DAY));
    expect(await h.store.listCharges(autopay._id)).toMatchObject([{ status: 'skipped', reason: 'autopay_paused' }]);
    expect(await h.payments.model.countDocuments({ citizenSub: who.sub })).toBe(0);
    expect((await h.client.getMandate(autopay.mandate?.mandateId ?? '')).status).toBe('active');
    expect(await refusal(h.service.pause(who.sub, autopay._id))).toEqual({ status: 409, code: 'autopay_not_active' });
    expect((await h.service.resume(who.sub, autopay._id)).status).toBe('active');
  });

  it('a cancelled mandate is revoked at the gateway, and its scheduled debit is not made', async () => {
    const who = await h.citizen(10_700, 10);
    const autopay = await h.turnOn(who, 40_000);
    const t0 = new Date();
    await h.scan(t0);
    const cancelled = await h.service.cancel(who.sub, autopay._id);

    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.mandate?.revokedAt).toBeInstanceOf(Date);
    expect((await h.client.getMandate(autopay.mandate?.mandateId ?? '')).status).toBe('revoked');
    await h.charge(at(t0, DAY));
    expect(await h.store.listCharges(autopay._id)).toMatchObject([{ status: 'skipped', reason: 'autopay_cancelled' }]);
    expect(await h.payments.model.countDocuments({ citizenSub: who.sub })).toBe(0);
    // Cancelling again is safe, and the account is free for a new autopay.
    expect((await h.service.cancel(who.sub, autopay._id)).status).toBe('cancelled');
    expect((await h.turnOn(who, 30_000)).status).toBe('active');
  });

  it('a revoke the gateway did not confirm is retried by the scan until it is', async () => {
    const who = await h.citizen();
    const autopay = await h.turnOn(who, 40_000);
    const down = Object.assign(Object.create(h.client) as AutopayGateway, {
      revokeMandate: async () => {
        throw new GatewayUnavailableError('sandbox gateway POST revoke: timeout');
      },
    });
    const unlucky = new AutopayService({
      store: h.store,
      gateway: down,
      accounts: h.deps.accounts,
      options: h.deps.options,
      returnUrl: 'https://billpay.example.gov.in/autopay/return',
      log: h.deps.log,
    });
    const cancelled = await unlucky.cancel(who.sub, autopay._id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.mandate?.revokedAt).toBeUndefined();
    await h.scan(new Date());
    expect((await h.store.findAutopay(autopay._id))?.mandate?.revokedAt).toBeInstanceOf(Date);
    expect((await h.client.getMandate(autopay.mandate?.mandateId ?? '')).status).toBe('revoked');
  });

  it('a mandate the gateway no longer knows ends its own autopay and never stops the scan of the others', async () => {
    // As after a gateway that lost its mandates: the hub still holds one waiting and one cancelled.
    const lost = await h.citizen();
    const waiting = await h.service.turnOn(lost.sub, lost.accountId, 40_000);
    await h.store.autopays.updateOne({ _id: waiting._id }, { $set: { 'mandate.mandateId': 'mdt_lost_waiting' } });
    const gone = await h.citizen();
    const cancelled = await h.turnOn(gone, 40_000);
    await h.store.autopays.updateOne(
      { _id: cancelled._id },
      { $set: { status: 'cancelled', 'mandate.mandateId': 'mdt_lost_cancelled' } },
    );
    const fine = await h.citizen(11_100, 10);
    const active = await h.turnOn(fine, 40_000);

    const report = await h.scan(new Date());
    expect(report.failed).toBe(0);
    expect(await h.store.listCharges(active._id)).toMatchObject([{ status: 'scheduled' }]);
    expect(h.messagesTo(fine)).toHaveLength(1);
    expect(await h.store.findAutopay(waiting._id)).toMatchObject({ status: 'failed', reason: 'revoked' });
    expect((await h.store.findAutopay(cancelled._id))?.mandate?.revokedAt).toBeInstanceOf(Date);
  });

  it('removing the saved account cancels its autopay and revokes the mandate at the next scan', async () => {
    const who = await h.citizen();
    const autopay = await h.turnOn(who, 40_000);
    await h.deps.accounts.deleteOne({ _id: who.accountId });
    await h.scan(new Date());
    expect(await h.store.findAutopay(autopay._id)).toMatchObject({ status: 'cancelled', reason: 'account_removed' });
    expect((await h.client.getMandate(autopay.mandate?.mandateId ?? '')).status).toBe('revoked');
  });

  it('a mandate the bank revoked turns autopay off at the next debit, and the citizen is told', async () => {
    const who = await h.citizen(10_900, 10);
    const autopay = await h.turnOn(who, 40_000);
    const t0 = new Date();
    await h.scan(t0);
    await h.client.revokeMandate(autopay.mandate?.mandateId ?? '');
    await h.charge(at(t0, DAY));
    expect((await h.store.findAutopay(autopay._id))?.status).toBe('revoked');
    expect(await h.store.listCharges(autopay._id)).toMatchObject([{ status: 'failed', reason: 'mandate_inactive' }]);
    expect(h.messagesTo(who).some((m) => m.text.includes('no longer active'))).toBe(true);
  });

  it("refuses a limit above the maximum, another citizen's account, and a second autopay on one account", async () => {
    const who = await h.citizen();
    const other = await h.citizen();
    const max = h.deps.options.maxLimitMinor;
    expect(await refusal(h.service.turnOn(who.sub, who.accountId, max + 1))).toEqual({
      status: 422,
      code: 'limit_not_allowed',
    });
    expect(await refusal(h.service.turnOn(who.sub, other.accountId, 1_000))).toMatchObject({ status: 404 });
    await h.service.turnOn(who.sub, who.accountId, 1_000);
    expect(await refusal(h.service.turnOn(who.sub, who.accountId, 2_000))).toEqual({
      status: 409,
      code: 'autopay_exists',
    });
    expect(await refusal(h.service.get(other.sub, (await h.service.list(who.sub))[0]?._id ?? ''))).toMatchObject({
      status: 404,
    });
  });
});
