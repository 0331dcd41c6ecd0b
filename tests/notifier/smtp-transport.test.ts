import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../../infra/notifier/index.js';
import { mailHeader, startFakeSmtp } from './fake-servers.js';

describe('the SMTP transport', () => {
  let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;
  beforeAll(async () => {
    smtp = await startFakeSmtp();
  });
  afterAll(async () => {
    await smtp.close();
  });

  it('delivers an email with its recipient, sender, subject, text and html', async () => {
    const transport = createSmtpTransport({ url: smtp.url, from: 'Citizen BillPay <no-reply@billpay.test>' });
    await transport.send({
      channel: 'email',
      to: 'asha@example.com',
      subject: 'Your login code',
      text: 'Your code is 482913',
      html: '<p>Your code is <b>482913</b></p>',
    });
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail?.to).toEqual(['asha@example.com']);
    expect(mail?.from).toBe('no-reply@billpay.test');
    const raw = mail?.raw ?? '';
    expect(mailHeader(raw, 'To')).toBe('asha@example.com');
    expect(mailHeader(raw, 'From')).toBe('Citizen BillPay <no-reply@billpay.test>');
    expect(mailHeader(raw, 'Subject')).toBe('Your login code');
    expect(raw).toContain('Your code is 482913');
    expect(raw).toContain('<p>Your code is <b>482913</b></p>');
  });

  it('refuses an sms and delivers nothing', async () => {
    const before = smtp.received.length;
    const transport = createSmtpTransport({ url: smtp.url, from: 'no-reply@billpay.test' });
    await expect(transport.send({ channel: 'sms', to: '+919876541234', text: 'code 1' })).rejects.toThrow(/email only/);
    expect(smtp.received).toHaveLength(before);
  });
});
