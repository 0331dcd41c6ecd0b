/** India Standard Time is UTC+05:30 all year. */
const IST_OFFSET_MS = 330 * 60_000;

/** The last moment of a due date (YYYY-MM-DD, an Indian calendar day): 23:59:59.999 IST. */
export function endOfDueDate(dueDate: string): Date {
  return new Date(Date.parse(`${dueDate}T00:00:00Z`) - IST_OFFSET_MS + 24 * 3_600_000 - 1);
}

/**
 * When a bill noticed at `noticeAt` may be debited: the notice period after the notice, never
 * sooner (RBI's e-mandate rule: at least 24 hours), which is before the due date whenever the bill
 * arrives at least that long before it. When the due date is closer, the debit is still not made
 * early: it is made when the notice period ends, after the due date (`afterDueDate`), and the
 * notice tells the citizen the date, so one who wants to avoid a late fee pays the bill
 * themselves first (autopay then finds it paid and debits nothing).
 */
export function chargeTimeFor(
  noticeAt: Date,
  dueDate: string,
  preDebitNoticeMs: number,
): { chargeAt: Date; afterDueDate: boolean } {
  const chargeAt = new Date(noticeAt.getTime() + preDebitNoticeMs);
  return { chargeAt, afterDueDate: chargeAt.getTime() > endOfDueDate(dueDate).getTime() };
}
