import escapeHtml from 'escape-html';
import { formatRupees } from './money.js';
import { METHODS, OUTCOMES, type SandboxMethod, type SandboxOrder, type SandboxOutcome } from './order-book.js';

const METHOD_LABELS: Record<SandboxMethod, string> = {
  card: 'Card',
  upi: 'UPI',
  netbanking: 'Net banking',
  wallet: 'Wallet',
};
const OUTCOME_LABELS: Record<SandboxOutcome, string> = {
  success: 'Success: the payment is captured',
  failure: 'Failure: the payment is declined',
  pending: 'Pending: captured a little later',
};

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f5f5f5}
main{max-width:32rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px}
.sandbox{background:#fff3cd;padding:.5rem .75rem;border-radius:4px}
fieldset{border:1px solid #ccc;border-radius:4px;margin:1rem 0}
label{margin-left:.4rem}
button{font:inherit;padding:.6rem 1.2rem;background:#0b5cad;color:#fff;border:0;border-radius:4px}
button:focus,input:focus,a:focus{outline:3px solid #f5a623;outline-offset:2px}
[role=alert]{color:#8a1c1c;font-weight:600}`;

/** A redirect target back to the merchant, naming the order. */
export function returnLocation(order: SandboxOrder): string {
  const url = new URL(order.returnUrl);
  url.searchParams.set('order', order.id);
  return url.toString();
}

/** A sandbox page: the banner, a title and a body of HTML already escaped. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Sandbox gateway</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="sandbox" role="note">Sandbox gateway: no real money moves.</p>
${body}
</main>
</body>
</html>`;
}

function radios(
  name: string,
  legend: string,
  values: readonly string[],
  labels: Record<string, string>,
  chosen?: string,
) {
  const items = values.map((value) => {
    const id = `${name}-${value}`;
    const checked = value === (chosen ?? values[0]) ? ' checked' : '';
    return `<div><input type="radio" id="${id}" name="${name}" value="${value}" required${checked}><label for="${id}">${escapeHtml(labels[value] ?? value)}</label></div>`;
  });
  return `<fieldset>\n<legend>${escapeHtml(legend)}</legend>\n${items.join('\n')}\n</fieldset>`;
}

/** The hosted checkout: the amount, a method and a simulated outcome; a plain form, no script. */
export function checkoutPage(order: SandboxOrder, error?: string, chosen: { method?: string; outcome?: string } = {}) {
  const amount = formatRupees(order.amountMinor);
  const alert = error ? `<p role="alert" id="form-error">${escapeHtml(error)}</p>\n` : '';
  return page(
    `Pay ${amount}`,
    `<h1>Pay ${escapeHtml(amount)}</h1>
<p>${escapeHtml(order.description)}</p>
<dl><dt>Order</dt><dd>${escapeHtml(order.id)}</dd></dl>
${alert}<form method="post" action="/checkout/${escapeHtml(encodeURIComponent(order.id))}"${error ? ' aria-describedby="form-error"' : ''}>
${radios('method', 'Payment method', METHODS, METHOD_LABELS, chosen.method)}
${radios('outcome', 'Outcome to simulate (sandbox only)', OUTCOMES, OUTCOME_LABELS, chosen.outcome)}
<button type="submit">Pay ${escapeHtml(amount)}</button>
</form>
<p><a href="${escapeHtml(returnLocation(order))}">Cancel and return to the merchant</a></p>`,
  );
}

/** For an order that already has an outcome: nothing to pay, a way back. */
export function settledPage(order: SandboxOrder) {
  return page(
    `Order ${order.status}`,
    `<h1>This order is ${escapeHtml(order.status)}</h1>
<p>${escapeHtml(formatRupees(order.amountMinor))} · ${escapeHtml(order.description)}</p>
<p><a href="${escapeHtml(returnLocation(order))}">Return to the merchant</a></p>`,
  );
}

export function notFoundPage(id: string) {
  return page('Order not found', `<h1>Order not found</h1>\n<p>There is no order ${escapeHtml(id)}.</p>`);
}
