import type { Payment, PaymentLine } from '../../payments/payment-model.js';
import type { LineChanges } from '../../payments/payment-store.js';
import type { LineStatus } from '../../payments/state-machine.js';
import { requeueLine } from '../../settlement/queue.js';
import { type ActionDone, type ActionRequest, audited, StateMovedError } from '../operator-action.js';
import { foundLine, type OperatorDeps, paymentOfLine, queueOf } from '../operator-deps.js';

/** A line and its payment, as an action on the line finds them. */
export interface FoundLine {
  payment: Payment;
  line: PaymentLine;
}

/**
 * Runs operator action `action` on line `lineId`, audited (operator-action.ts `audited`) with the
 * line as subject and its payment named: a line that does not exist is refused with 404.
 */
export async function auditedLineAction<T>(
  deps: OperatorDeps,
  lineId: string,
  request: ActionRequest,
  action: string,
  act: (found: FoundLine) => Promise<ActionDone<T>>,
): Promise<T> {
  const found = await paymentOfLine(deps.payments, lineId);
  return audited(
    deps.audit,
    request,
    { action, subject: { kind: 'line', id: lineId }, paymentId: found?.payment._id },
    () => act(foundLine(found, lineId)),
  );
}

/** The line's status now (re-read), for a refusal naming the state found; `fallback` when it is gone. */
export async function lineStatusNow(deps: OperatorDeps, lineId: string, fallback: string): Promise<string> {
  return (await paymentOfLine(deps.payments, lineId))?.line.status ?? fallback;
}

/**
 * Hands a line back to settlement: `from → to` in one conditional update (with `set`), then the
 * line's settle-line job. Throws 503 when this hub has no work queue, and 409 `state_moved` with
 * `refusal(state found)` when the line is no longer `from`.
 */
export async function moveLineToSettlement(
  deps: OperatorDeps,
  { payment, line }: FoundLine,
  move: { from: LineStatus; to: LineStatus; event: string; set?: LineChanges },
  refusal: (now: string) => string,
): Promise<void> {
  const queue = queueOf(deps);
  const moved = await deps.payments.transitionLine(payment._id, line._id, move.from, move.to, move.event, move.set);
  if (!moved) {
    const now = await lineStatusNow(deps, line._id, line.status);
    throw new StateMovedError(refusal(now), now);
  }
  await requeueLine(queue, payment._id, line._id);
}
