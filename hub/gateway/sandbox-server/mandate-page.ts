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

/** A day as people read it, in Indian time: "30 November 2027". */
const day = (iso: string) =>
  new Intl.DateTimeFormat('en-IN', { timeZone: 'Asia/Kolkata', day: 'numeric', month: 'long', year: 'numeric' }).format(
    new Date(iso),
  );

// The shared sandbox style (checkout-page.ts) leaves a list of terms unstyled and has one kind of
// button; the approval page's own touches are inline (its CSP allows inline styles, no script).
const TERMS = 'display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:1rem 0';
const TERM = 'font-weight:600';
const VALUE = 'margin:0;overflow-wrap:anywhere';
const BUTTONS = 'display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.5rem';
const DECLINE = 'background:#fff;color:#0b5cad;box-shadow:inset 0 0 0 2px #0b5cad';

/** The hosted approval page: the mandate's terms and two buttons; a plain form, no script. */
export function mandatePage(mandate: SandboxMandate): string {
  const max = formatRupees(mandate.maxAmountMinor);
  return page(
    'Approve autopay mandate',
    `<h1>Approve an autopay mandate</h1>
<p>${escapeHtml(mandate.description)}</p>
<dl style="${TERMS}">
<dt style="${TERM}">Most per debit</dt><dd style="${VALUE}">${escapeHtml(max)}</dd>
<dt style="${TERM}">Valid until</dt><dd style="${VALUE}">${escapeHtml(day(mandate.validUntil))}</dd>
<dt style="${TERM}">Mandate</dt><dd style="${VALUE}">${escapeHtml(mandate.id)}</dd>
</dl>
<p>You will be told at least 24 hours before each debit, and can cancel at any time.</p>
<form method="post" action="/mandates/${escapeHtml(encodeURIComponent(mandate.id))}" style="${BUTTONS}">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="decline" style="${DECLINE}">Decline</button>
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
