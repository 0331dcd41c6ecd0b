import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ComplaintParts, complaintParts, DEFAULT_COMPLAINT_OPTIONS } from '../../hub/complaints/index.js';
import { ContactStore } from '../../hub/contacts/contact-store.js';
import { createNotifications } from '../../hub/notifications/index.js';
import { settlementOptions } from '../../hub/settlement/options.js';
import { createLogger } from '../../infra/logger.js';
import type { OutgoingMessage } from '../../infra/notifier/index.js';
import { lineOf } from '../hub-payments/fixtures.js';
import { type ComplaintHarness, startComplaintHarness } from './harness.js';

const PORTAL = 'https://billpay.example.gov.in';

describe('the citizen is told of a complaint at each change, in their messages', () => {
  let h: ComplaintHarness;
  let complaints: ComplaintParts;
  const sent: OutgoingMessage[] = [];
  const smsFor = (id: string) => sent.filter((m) => m.channel === 'sms' && m.text.includes(id)).map((m) => m.text);

  beforeAll(async () => {
    h = await startComplaintHarness('complaints_notices');
    const log = createLogger('notices', 'silent');
    complaints = await complaintParts({
      mongo: h.conn,
      payments: h.payments,
      notifications: createNotifications({
        conn: h.conn,
        notifier: { send: async (message) => void sent.push(message) },
        log,
        publicUrl: PORTAL,
      }),
      billers: h.billers,
      queue: h.queue,
      settlement: settlementOptions({}),
      options: DEFAULT_COMPLAINT_OPTIONS,
      log,
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('raise (id and promised date), assignment, escalation and the resolution with its evidence each send an SMS', async () => {
    await new ContactStore(h.conn).remember('neha', { phone: '+919800000123' });
    const payment = await h.onePayment('neha');
    const { complaint } = await complaints.service.raise('neha', {
      paymentId: payment._id,
      type: 'amount_deducted_not_credited',
      description: 'The discom says my bill is unpaid',
    });
    expect(complaint.status).toBe('open');
    const [received] = smsFor(complaint._id);
    expect(received).toContain(`complaint ${complaint._id} received`);
    expect(received).toContain('We will answer by');
    expect(received).toContain(`${PORTAL}/complaints/${complaint._id}`);

    await complaints.actions.assign(complaint._id, { sub: 'op-1' }, { reason: 'Checking with the discom' });
    expect(smsFor(complaint._id).at(-1)).toContain('being looked at by our team');

    await complaints.escalate(new Date(new Date(complaint.dueAt).getTime() + 1_000));
    expect(smsFor(complaint._id).at(-1)).toContain('was not answered in time and is escalated');

    await h.moveLine(payment, ['posting', 'settled'], { billerReference: 'DISCOM-5566' });
    await complaints.actions.resolve(
      complaint._id,
      { sub: 'op-1' },
      {
        disposition: {
          code: 'credited_to_biller',
          reason: 'The discom has the payment',
          evidence: { billerReference: 'DISCOM-5566' },
        },
        reason: 'Discom confirmed',
      },
    );
    const last = smsFor(complaint._id).at(-1);
    expect(last).toContain('resolved');
    expect(last).toContain('Biller reference DISCOM-5566');
    expect(smsFor(complaint._id)).toHaveLength(4);
  });

  it('a complaint answered at once sends one message: the answer with the refund reference', async () => {
    await new ContactStore(h.conn).remember('omar', { phone: '+919800000124' });
    const payment = await h.onePayment('omar');
    await h.moveLine(payment, ['failed', 'refunding', 'refunded']);
    const { complaint } = await complaints.service.raise('omar', {
      paymentId: payment._id,
      type: 'refund_not_received',
      description: 'Where is my refund?',
    });
    const messages = smsFor(complaint._id);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`Refund reference ${lineOf(payment, 0)._id}`);
  });
});
