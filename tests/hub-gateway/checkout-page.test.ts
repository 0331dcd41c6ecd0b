import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRupees } from '../../hub/gateway/sandbox-server/money.js';
import { type GatewayHarness, orderInput, RETURN_URL, startGateway } from './harness.js';

let h: GatewayHarness;
beforeAll(async () => {
  h = await startGateway();
});
afterAll(() => h.close());

const submit = (checkoutUrl: string, fields: Record<string, string>) =>
  fetch(checkoutUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });

describe('hosted checkout', () => {
  it('formats paise as rupees with Indian digit grouping', () => {
    expect(formatRupees(123_450)).toBe('₹1,234.50');
    expect(formatRupees(12_345_678)).toBe('₹1,23,456.78');
    expect(formatRupees(5)).toBe('₹0.05');
    expect(formatRupees(Number.MAX_SAFE_INTEGER)).toBe('₹9,00,71,99,25,47,409.91');
  });

  it('shows the amount in rupees and a form with the method and outcome fields, without script', async () => {
    const { checkoutUrl } = await h.client.createOrder(orderInput(123_450));
    const response = await fetch(checkoutUrl);
    const page = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('₹1,234.50');
    expect(page).toMatch(/<form method="post" action="\/checkout\/order_[0-9a-f]+"/);
    for (const method of ['card', 'upi', 'netbanking', 'wallet']) {
      expect(page).toContain(`name="method" value="${method}"`);
      expect(page).toContain(`<label for="method-${method}">`);
    }
    for (const outcome of ['success', 'failure', 'pending'])
      expect(page).toContain(`name="outcome" value="${outcome}"`);
    expect(page).toContain('<legend>Payment method</legend>');
    expect(page).not.toContain('<script');
  });

  it('escapes what the merchant wrote', async () => {
    const { checkoutUrl } = await h.client.createOrder({ ...orderInput(), description: '<script>alert(1)</script>' });
    const page = await (await fetch(checkoutUrl)).text();
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script');
  });

  it('submitting the form records the choice, sends the webhook and redirects 303 to the returnUrl', async () => {
    const { orderId, checkoutUrl } = await h.client.createOrder(orderInput(123_450));
    const response = await submit(checkoutUrl, { method: 'wallet', outcome: 'success' });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${RETURN_URL}?order=${orderId}`);
    expect(await h.client.getOrder(orderId)).toMatchObject({ status: 'captured', method: 'wallet' });
    await h.receiver.waitFor(() => h.receiver.forOrder(orderId).length === 1);
    expect(h.receiver.forOrder(orderId)[0]?.event.type).toBe('order.captured');
  });

  it('a second submit changes nothing and lands on the returnUrl again', async () => {
    const { orderId, checkoutUrl } = await h.client.createOrder(orderInput());
    await submit(checkoutUrl, { method: 'card', outcome: 'failure' });
    const again = await submit(checkoutUrl, { method: 'card', outcome: 'success' });

    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(`${RETURN_URL}?order=${orderId}`);
    expect((await h.client.getOrder(orderId)).status).toBe('failed');
    expect(await (await fetch(checkoutUrl)).text()).toContain('This order is failed');
  });

  it('an incomplete form is answered 422 with an alert, and changes nothing', async () => {
    const { orderId, checkoutUrl } = await h.client.createOrder(orderInput());
    const response = await submit(checkoutUrl, { method: 'cheque' });

    expect(response.status).toBe(422);
    expect(await response.text()).toContain('role="alert"');
    expect((await h.client.getOrder(orderId)).status).toBe('created');
  });

  it('an unknown order has a 404 page', async () => {
    const response = await fetch(`${h.baseUrl}/checkout/order_nope`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('Order not found');
  });
});
