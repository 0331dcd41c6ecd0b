import escapeHtml from 'escape-html';
import { page } from './checkout-page.js';
import type { SandboxMandate } from './mandate-book.js';
import { formatRupees } from './money.js';

/** A redirect target back to the merchant, naming the mandate. */
export function mandateReturnLocation(mandate: SandboxMandate): string {
  const url = new URL(mandate.returnUrl);
  url.searchParams.set('mandate', mandate.id);
  return url.toString();
}

const day = (iso: string) => iso.slice(0, 10);

/** The hosted approval page: the mandate's terms and two buttons; a plain form, no script. */
export function mandatePage(mandate: SandboxMandate): string {
  const max = formatRupees(mandate.maxAmountMinor);
  return page(
    'Approve autopay mandate',
    `<h1>Approve an autopay mandate</h1>
<p>${escapeHtml(mandate.description)}</p>
<dl>
<dt>Most per debit</dt><dd>${escapeHtml(max)}</dd>
<dt>Valid until</dt><dd>${escapeHtml(day(mandate.validUntil))}</dd>
<dt>Mandate</dt><dd>${escapeHtml(mandate.id)}</dd>
</dl>
<p>You will be told at least 24 hours before each debit, and can cancel at any time.</p>
<form method="post" action="/mandates/${escapeHtml(encodeURIComponent(mandate.id))}">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="decline">Decline</button>
</form>`,
  );
}

/** For a mandate already decided: nothing to approve, a way back. */
export function mandateDecidedPage(mandate: SandboxMandate): string {
  return page(
    `Mandate ${mandate.status}`,
    `<h1>This mandate is ${escapeHtml(mandate.status.replace('_', ' '))}</h1>
<p><a href="${escapeHtml(mandateReturnLocation(mandate))}">Return to the merchant</a></p>`,
  );
}

export function mandateNotFoundPage(id: string): string {
  return page('Mandate not found', `<h1>Mandate not found</h1>\n<p>There is no mandate ${escapeHtml(id)}.</p>`);
}
