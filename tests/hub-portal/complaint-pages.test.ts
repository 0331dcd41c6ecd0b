import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '../idp/support/browser.js';
import { type CitizenBrowser, csrfOf, heading, signIn } from './support/citizen.js';
import {
  complaintDesk,
  ESCALATED_ID,
  HUB_DOWN,
  OTHERS_ID,
  OVERDUE_ID,
  PAID_ID,
  REFUND_REFERENCE,
  REFUNDED_LINE,
  SETTLED_LINE,
  SETTLING_ID,
} from './support/complaint-desk-stub.js';
import type { PortalStack } from './support/portal-stack.js';
import { type StubbedPortal, startStubbedPortal } from './support/stubbed-portal.js';

// The citizen's complaint and feedback pages against the issue 12 contract (ComplaintView, the
// feedback API), answered by a stub of the complaint desk in front of the real hub: sign-in and
// sessions stay real.

const desk = complaintDesk();
let stack: PortalStack;
let portal: StubbedPortal | undefined;

beforeAll(async () => {
  portal = await startStubbedPortal(desk.route);
  stack = portal.stack;
});
afterAll(() => portal?.close());

/** The complaint form about `line` (or the whole payment) and its hidden fields. */
async function complaintForm(browser: CitizenBrowser, line?: string) {
  const page = await browser.go(`${stack.portal}/payments/${PAID_ID}/complaint${line ? `?line=${line}` : ''}`);
  const attempt = page.html.match(/name="attempt" value="([^"]+)"/)?.[1] ?? '';
  return { page, attempt };
}

/** Sends the complaint form of `page` with these fields (and its CSRF token). */
function sendComplaint(browser: CitizenBrowser, page: Page, fields: Record<string, string>) {
  return browser.post(page, `${stack.portal}/payments/${PAID_ID}/complaint`, fields);
}

/** A fresh citizen's complaint about the refunded water bill, answered at once; its page after raising. */
async function refundedLineComplaint() {
  const { browser } = await signIn(stack);
  const { page, attempt } = await complaintForm(browser, REFUNDED_LINE);
  const raised = await sendComplaint(browser, page, {
    attempt,
    lineId: REFUNDED_LINE,
    type: 'refund_not_received',
    description: 'The water bill payment failed but my bank shows the money taken.',
  });
  const id = raised.url.match(/\/complaints\/(CMP\w+)\/raised$/)?.[1] ?? '';
  return { browser, raised, id };
}

describe('reporting a problem from a payment', () => {
  it('the payment page offers "Report a problem" for each bill and for the whole payment, and history for each payment', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/payments/${PAID_ID}`);
    expect(page.html).toContain(
      `href="/payments/${PAID_ID}/complaint?line=${REFUNDED_LINE}" data-testid="report-line-problem" data-line-id="${REFUNDED_LINE}">Report a problem<span class="govuk-visually-hidden"> with City Water Supply and Sewerage Board ******0313</span>`,
    );
    expect(page.html).toContain(`href="/payments/${PAID_ID}/complaint?line=${SETTLED_LINE}"`);
    expect(page.html).toContain(
      `href="/payments/${PAID_ID}/complaint" data-testid="report-payment-problem">Report a problem with this payment<`,
    );
    const history = await browser.go(`${stack.portal}/history`);
    expect(history.html).toContain(`href="/payments/${PAID_ID}/complaint" data-testid="history-report-problem"`);
    expect(history.html).toContain('href="/complaints" data-testid="nav-complaints">Complaints<');
  });

  it('the form names the bill, offers the six types as radios with plain labels, and gives the description’s limit in its hint', async () => {
    const { browser } = await signIn(stack);
    const { page, attempt } = await complaintForm(browser, REFUNDED_LINE);
    expect(page.status).toBe(200);
    expect(heading(page)).toBe('Report a problem with a bill');
    expect(page.html).toContain('City Water Supply and Sewerage Board<br>******0313');
    expect(page.html).toContain('₹1,845.00');
    expect(attempt.length).toBeGreaterThan(15);
    const radios = [
      ...page.html.matchAll(/<input class="govuk-radios__input" id="([\w-]+)" name="type" type="radio" value="(\w+)"/g),
    ];
    expect(radios.map((m) => m[2])).toEqual([
      'amount_deducted_not_credited',
      'paid_twice',
      'wrong_amount',
      'refund_not_received',
      'receipt_not_received',
      'other',
    ]);
    expect(radios[0]?.[1]).toBe('type');
    expect(page.html).toContain('I have not received my refund');
    expect(page.html).toContain('Money was taken but the bill is not shown as paid');
    // No script: the limit is said in the hint, which describes the textarea.
    expect(page.html).toContain('You can enter up to 1,000 characters.');
    expect(page.html).toMatch(
      /<textarea class="govuk-textarea" id="description" name="description" rows="6"[^>]*aria-describedby="description-hint"/,
    );
    expect(page.html).toContain(`<input type="hidden" name="lineId" value="${REFUNDED_LINE}">`);
  });

  it('a complaint without a type or a description is refused with an error summary linking each field and an error at each field', async () => {
    const { browser } = await signIn(stack);
    const { page, attempt } = await complaintForm(browser);
    const before = desk.raised();
    const refused = await sendComplaint(browser, page, { attempt, type: '', description: '   ' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('<title>Error: Report a problem with a payment');
    expect(refused.html).toContain('data-testid="error-summary"');
    expect(refused.html).toContain('<a href="#type">Choose what went wrong</a>');
    expect(refused.html).toContain('<a href="#description">Tell us what happened</a>');
    expect(refused.html).toMatch(
      /<p id="type-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:<\/span> Choose what went wrong/,
    );
    expect(refused.html).toMatch(/<p id="description-error" class="govuk-error-message">/);
    expect(refused.html).toMatch(/aria-describedby="description-hint description-error"/);
    // The form keeps its attempt, so sending it again still makes one complaint.
    expect(refused.html).toContain(`name="attempt" value="${attempt}"`);
    expect(desk.raised()).toBe(before);
  });

  it('a description over 1,000 characters is refused at the field, keeps what was typed, and the hub is not asked', async () => {
    const { browser } = await signIn(stack);
    const { page, attempt } = await complaintForm(browser);
    const before = desk.raised();
    const long = 'अ'.repeat(1001);
    const refused = await sendComplaint(browser, page, { attempt, type: 'wrong_amount', description: long });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('<a href="#description">What happened must be 1,000 characters or fewer</a>');
    expect(refused.html).toContain(long);
    expect(refused.html).toMatch(/value="wrong_amount" checked/);
    // Exactly 1,000 (Devanagari counts one a letter, and a typed line break is one) is accepted.
    const fits = await sendComplaint(browser, page, {
      attempt,
      type: 'wrong_amount',
      description: `${'अ'.repeat(998)}\r\nअ`,
    });
    expect(fits.url).toMatch(/\/complaints\/CMP\w+\/raised$/);
    expect(desk.raised()).toBe(before + 1);
  });

  it('the same form sent twice raises one complaint: both submits land on the same complaint', async () => {
    const { browser } = await signIn(stack);
    const { page, attempt } = await complaintForm(browser, SETTLED_LINE);
    const fields = {
      attempt,
      lineId: SETTLED_LINE,
      type: 'amount_deducted_not_credited',
      description: 'Money left my account, the bill still shows unpaid.',
    };
    const before = desk.raised();
    const keysBefore = desk.keys.length;
    const [first, second] = await Promise.all([
      sendComplaint(browser, page, fields),
      sendComplaint(browser, page, fields),
    ]);
    expect(first.url).toMatch(/\/complaints\/CMP\w+\/raised$/);
    expect(second.url).toBe(first.url);
    expect(desk.raised()).toBe(before + 1);
    const [keyA, keyB] = desk.keys.slice(keysBefore);
    expect(keyA).toMatch(/^portal-complaint-/);
    expect(keyB).toBe(keyA);
    // A newly drawn form is a new complaint.
    const again = await complaintForm(browser, SETTLED_LINE);
    expect(again.attempt).not.toBe(attempt);
    const third = await sendComplaint(browser, again.page, { ...fields, attempt: again.attempt });
    expect(third.url).not.toBe(first.url);
  });

  it('a complaint about a refunded line is answered at once: the raised page shows the answer and the refund reference', async () => {
    const { raised, id } = await refundedLineComplaint();
    expect(raised.status).toBe(200);
    expect(heading(raised)).toBe('Complaint raised');
    expect(raised.html).toContain(`data-testid="complaint-id">${id}<`);
    expect(raised.html).toContain('We have already checked');
    expect(raised.html).toContain('data-disposition="refunded"');
    expect(raised.html).toContain('Your money has been refunded.');
    expect(raised.html).toContain('The biller did not accept this payment, and the money was refunded to you.');
    expect(raised.html).toContain(`data-testid="complaint-evidence-refundReference">${REFUND_REFERENCE}<`);
    expect(raised.html).toContain('Refund reference');
  });

  it('a complaint the pre-check cannot answer shows its number, the promised date in IST words and what happens next', async () => {
    const { browser } = await signIn(stack);
    const { page, attempt } = await complaintForm(browser);
    const raised = await sendComplaint(browser, page, {
      attempt,
      type: 'receipt_not_received',
      description: 'No receipt came by SMS.',
    });
    expect(raised.html).toMatch(/data-testid="complaint-id">CMP\w{12}</);
    // Due 2026-12-07 12:30 UTC is 6 pm on 7 December in IST.
    expect(raised.html).toContain('We will answer by 7 December 2026.');
    expect(raised.html).toContain('What happens next');
    expect(raised.html).toContain(
      'If we have not answered by 7 December 2026, your complaint goes to a senior team automatically.',
    );
    expect(raised.html).not.toContain('data-testid="complaint-answer"');
  });

  it('a complaint the hub is asking the biller about says so, with the date the answer is due', async () => {
    const { browser } = await signIn(stack);
    const { page, attempt } = await complaintForm(browser, SETTLED_LINE);
    const raised = await sendComplaint(browser, page, {
      attempt,
      lineId: SETTLED_LINE,
      type: 'paid_twice',
      description: 'Two debits of the same amount.',
    });
    expect(raised.html).toContain('We have asked the biller about this payment. We will tell you their answer.');
    expect(raised.html).toContain('We will answer by 7 December 2026.');
    const id = raised.url.match(/\/complaints\/(CMP\w+)\/raised$/)?.[1] ?? '';
    const detail = await browser.go(`${stack.portal}/complaints/${id}`);
    expect(detail.html).toContain('data-status="waiting_for_biller">Waiting for the biller<');
    expect(detail.html).toContain('We asked the biller about the payment');
    expect(detail.html).toContain('data-testid="complaint-handler">Waiting for our team to pick it up<');
  });

  it('the hub not answering keeps what was typed and says to try again', async () => {
    const { browser } = await signIn(stack);
    const { page, attempt } = await complaintForm(browser);
    const refused = await sendComplaint(browser, page, { attempt, type: 'other', description: HUB_DOWN });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('Complaints cannot be raised just now. Try again in a few minutes');
    expect(refused.html).toContain(`>${HUB_DOWN}</textarea>`);
  });

  it('a line that is not the payment’s, and a payment that is not the citizen’s, are not found', async () => {
    const { browser } = await signIn(stack);
    expect((await browser.go(`${stack.portal}/payments/${PAID_ID}/complaint?line=line_nobody`)).status).toBe(404);
    expect((await browser.go(`${stack.portal}/payments/${PAID_ID}/complaint?line=%3Cscript%3E`)).status).toBe(404);
    expect((await browser.go(`${stack.portal}/payments/pay_not_mine/complaint`)).status).toBe(404);
  });
});

describe('the complaints list and a complaint’s page', () => {
  it('the list shows each complaint’s status tag and due date, and marks one past its date as overdue and one escalated', async () => {
    const { browser, id } = await refundedLineComplaint();
    const page = await browser.go(`${stack.portal}/complaints`);
    expect(heading(page)).toBe('Your complaints');
    const rows = Object.fromEntries(
      [
        ...page.html.matchAll(
          /<tr class="govuk-table__row" data-testid="complaint-row" data-complaint-id="(\w+)"[\s\S]*?<\/tr>/g,
        ),
      ].map((m) => [m[1], m[0]]),
    );
    expect(Object.keys(rows)).toEqual([id, OVERDUE_ID, ESCALATED_ID]);
    expect(rows[id]).toContain('govuk-tag--green" data-testid="complaint-status" data-status="resolved">Resolved<');
    expect(rows[id]).toContain('Answered on 30 November 2026');
    expect(rows[id]).toContain('City Water Supply and Sewerage Board');
    expect(rows[OVERDUE_ID]).toContain('data-status="open">Open<');
    expect(rows[OVERDUE_ID]).toContain('data-testid="complaint-overdue">Overdue<');
    expect(rows[OVERDUE_ID]).toContain('8 November 2026');
    expect(rows[ESCALATED_ID]).toContain('data-status="escalated">Escalated<');
    expect(rows[id]).not.toContain('complaint-overdue');
  });

  it('a complaint’s page shows its timeline in IST and "being handled by our team", never the owner’s name or internal notes', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/complaints/${ESCALATED_ID}`);
    expect(page.status).toBe(200);
    expect(heading(page)).toBe(`Complaint ${ESCALATED_ID}`);
    expect(page.html).toContain('data-testid="complaint-handler">Being handled by our team<');
    expect(page.html).toContain('A senior team is now handling this complaint, because it was not answered in time.');
    const events = [...page.html.matchAll(/data-testid="complaint-event">([\s\S]*?)<\/li>/g)].map((m) =>
      (m[1] ?? '')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    expect(events).toEqual([
      '1 November 2026 at 10:00 am IST You raised the complaint',
      '2 November 2026 at 10:30 am IST Our team picked it up',
      '8 November 2026 at 6:01 pm IST Passed to a senior team',
    ]);
    expect(page.html).not.toContain('Priya');
    expect(page.html).not.toContain('operator-7');
    expect(page.html).not.toContain('internal: call SEDC desk');
    expect(page.html).not.toContain('data-testid="rating-form"');
  });

  it('an unknown, a malformed and another citizen’s complaint id all get the same not-found page', async () => {
    const { browser } = await signIn(stack);
    const pages = await Promise.all(
      ['CMP0000000000XX', OTHERS_ID, 'CMP123', 'not-a-complaint', 'cmp00000000000a'].map((id) =>
        browser.go(`${stack.portal}/complaints/${id}`),
      ),
    );
    for (const page of pages) {
      expect(page.status).toBe(404);
      expect(page.html).toContain('data-testid="complaint-not-found">Complaint not found<');
    }
    const strip = (page: Page) => page.html.replace(/name="(csrf|returnTo)" value="[^"]*"/g, '');
    // Unknown and someone else's read the same, word for word.
    expect(strip(pages[0] as Page)).toBe(strip(pages[1] as Page));
    const raised = await browser.go(`${stack.portal}/complaints/${OTHERS_ID}/raised`);
    expect(raised.status).toBe(404);
    const rating = await browser.post(pages[0] as Page, `${stack.portal}/complaints/${OTHERS_ID}/rating`, {
      score: '5',
    });
    expect(rating.status).toBe(404);
  });

  it('an answered complaint can be rated once: the form, then the rating in words and no form; a second rating changes nothing', async () => {
    const { browser, id } = await refundedLineComplaint();
    const page = await browser.go(`${stack.portal}/complaints/${id}`);
    expect(page.html).toContain('data-testid="rating-form"');
    expect(page.html).toContain('How satisfied are you with how we handled your complaint?');
    const labels = [
      ...page.html.matchAll(/<label class="govuk-label govuk-radios__label" for="(score[-\d]*)">\s*([^<]*?)\s*</g),
    ];
    expect(labels.map((m) => [m[1], m[2]])).toEqual([
      ['score', 'Very good'],
      ['score-2', 'Good'],
      ['score-3', 'Neither good nor poor'],
      ['score-4', 'Poor'],
      ['score-5', 'Very poor'],
    ]);
    const rated = await browser.post(page, `${stack.portal}/complaints/${id}/rating`, {
      score: '4',
      comment: 'Quick answer.',
    });
    expect(rated.url).toBe(`${stack.portal}/complaints/${id}?notice=rated#rating`);
    expect(rated.html).toContain('Thank you. Your rating has been saved.');
    expect(rated.html).toContain('data-testid="complaint-rating">You rated our answer: 4 out of 5 (Good).<');
    expect(rated.html).toContain('Quick answer.');
    expect(rated.html).not.toContain('data-testid="rating-form"');
    const again = await browser.post(page, `${stack.portal}/complaints/${id}/rating`, { score: '1' });
    expect(again.url).toBe(`${stack.portal}/complaints/${id}#rating`);
    expect(again.html).toContain('4 out of 5 (Good)');
    expect(again.html).not.toContain('Thank you. Your rating has been saved.');
  });

  it('a rating sent for a complaint not answered yet changes nothing and thanks nobody', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/complaints/${OVERDUE_ID}`);
    expect(page.html).not.toContain('data-testid="rating-form"');
    const sent = await browser.post(page, `${stack.portal}/complaints/${OVERDUE_ID}/rating`, { score: '5' });
    expect(sent.url).toBe(`${stack.portal}/complaints/${OVERDUE_ID}#rating`);
    expect(sent.html).not.toContain('Your rating has been saved');
    expect(sent.html).not.toContain('data-testid="complaint-rating"');
  });

  it('a rating without a score is refused at the field, with the comment kept', async () => {
    const { browser, id } = await refundedLineComplaint();
    const page = await browser.go(`${stack.portal}/complaints/${id}`);
    const refused = await browser.post(page, `${stack.portal}/complaints/${id}/rating`, { comment: 'Kept comment' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('<a href="#score">Choose a rating</a>');
    expect(refused.html).toContain('>Kept comment</textarea>');
    expect(refused.html).toContain('data-testid="rating-form"');
  });

  it('the complaint pages speak Hindi and Bengali, with dates and amounts in their own words and digits', async () => {
    const { browser, id } = await refundedLineComplaint();
    const english = await browser.go(`${stack.portal}/complaints`);
    const hindi = await browser.post(english, `${stack.portal}/language`, {
      lang: 'hi',
      returnTo: `/complaints/${id}`,
    });
    expect(hindi.html).toContain('<html lang="hi"');
    expect(hindi.html).toContain('आपके पैसे वापस कर दिए गए हैं।');
    expect(hindi.html).toContain('रिफ़ंड संदर्भ');
    expect(hindi.html).toContain('हमारे उत्तर को रेटिंग दें');
    const bengali = await browser.post(hindi, `${stack.portal}/language`, {
      lang: 'bn',
      returnTo: `/payments/${PAID_ID}/complaint?line=${SETTLED_LINE}`,
    });
    expect(bengali.html).toContain('একটি বিলে সমস্যা জানান');
    expect(bengali.html).toContain('আমি আমার রিফান্ড পাইনি');
    expect(bengali.html).toContain('সর্বোচ্চ ১,০০০টি অক্ষর');
    expect(bengali.html).toContain('₹২২,৫৮৭.১৮');
    const list = await browser.go(`${stack.portal}/complaints`);
    expect(list.html).toContain('৮ নভেম্বর, ২০২৬');
    expect(list.html).toContain('সময় পেরিয়ে গেছে');
  });
});

describe('How was paying? on a final payment', () => {
  it('a final payment asks how paying was, takes the feedback once, then thanks and shows the score instead', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/payments/${PAID_ID}`);
    expect(page.html).toContain('data-status="partially_refunded"');
    expect(page.html).toContain('How was paying?');
    expect(page.html).toContain(`action="/payments/${PAID_ID}/feedback" novalidate data-testid="feedback-form"`);
    const empty = await browser.post(page, `${stack.portal}/payments/${PAID_ID}/feedback`, { comment: '' });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('<a href="#score">Choose a rating</a>');
    expect(empty.html).toContain('data-testid="payment-status"');
    const given = await browser.post(page, `${stack.portal}/payments/${PAID_ID}/feedback`, {
      score: '5',
      comment: 'Easy with UPI.',
    });
    expect(given.url).toBe(`${stack.portal}/payments/${PAID_ID}#feedback`);
    expect(given.html).toContain('data-testid="feedback-thanks">Thank you for your feedback.<');
    expect(given.html).toContain('data-testid="feedback-score">You rated paying: 5 out of 5 (Very good).<');
    expect(given.html).not.toContain('data-testid="feedback-form"');
    // Sent again (another tab): the first stands.
    const again = await browser.post(page, `${stack.portal}/payments/${PAID_ID}/feedback`, { score: '1' });
    expect(again.html).toContain('5 out of 5 (Very good)');
  });

  it('a payment still in progress does not ask for feedback', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/payments/${SETTLING_ID}`);
    expect(page.html).toContain('data-status="settling"');
    expect(page.html).not.toContain('data-testid="feedback"');
    expect(csrfOf(page)).toBeTruthy();
  });
});
