import { AppError } from '../../infra/errors.js';
import type { AuditActor, AuditSubject, OperatorAudit } from './audit-log.js';

/**
 * 409 `state_moved`: the subject is not (or no longer) in the state the action needs, so nothing
 * was changed. `found` names the state it is in, for the operator to read in words.
 */
export class StateMovedError extends AppError {
  constructor(message: string, found: string) {
    super(409, 'state_moved', message, { found });
  }
}

/** 404 `not_found` for an action's subject (a line, a payment, a reconciliation case). */
export class SubjectNotFoundError extends AppError {
  constructor(kind: string, id: string) {
    super(404, 'not_found', `no ${kind} ${id}`);
  }
}

/** Who asked for an action and why: the operator (from the access token) and their own words. */
export interface ActionRequest {
  actor: AuditActor;
  /** 1..1000 characters, trimmed by the route. */
  reason: string;
}

/** What an action did, for the audit entry and the answer. */
export interface ActionDone<T> {
  detail: string;
  result: T;
  /** The payment the subject belongs to, when only the action learnt it. */
  paymentId?: string;
}

/** What the audit entry of one action names. */
export interface AuditedAction {
  action: string;
  subject: AuditSubject;
  paymentId?: string;
}

/**
 * Runs one operator action and records it in the audit log either way: `done` with what changed,
 * or `refused` with why (the error's message) when it throws (a step it had taken before, such as a
 * line moved before its job could be queued, is left for settlement's sweep), after which the error is thrown on
 * for the HTTP layer to render (a 409 with the state found, a 404). The entry is written after the
 * outcome is known, so what the operator is told and the log always agree.
 */
export async function audited<T>(
  audit: OperatorAudit,
  request: ActionRequest,
  what: AuditedAction,
  act: () => Promise<ActionDone<T>>,
): Promise<T> {
  const base = { actor: request.actor, action: what.action, subject: what.subject, reason: request.reason };
  let done: ActionDone<T>;
  try {
    done = await act();
  } catch (error) {
    // A client error says why in words; anything else (the queue or the gateway down) says what broke.
    const detail =
      error instanceof AppError && error.expose ? error.message : `the action failed: ${(error as Error).message}`;
    await audit.record({
      ...base,
      outcome: 'refused',
      detail: detail.slice(0, 2000),
      ...(what.paymentId ? { paymentId: what.paymentId } : {}),
    });
    throw error;
  }
  const paymentId = done.paymentId ?? what.paymentId;
  await audit.record({
    ...base,
    outcome: 'done',
    detail: done.detail.slice(0, 2000),
    ...(paymentId ? { paymentId } : {}),
  });
  return done.result;
}
