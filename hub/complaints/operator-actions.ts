import type { OperatorAudit } from '../operator/audit-log.js';
import { ComplaintNotFoundError, ComplaintStateError, UnknownOwnerError } from './complaint-errors.js';
import type { Complaint, ComplaintActor, Disposition } from './complaint-model.js';
import type { ComplaintNotifier } from './complaint-notices.js';
import type { ComplaintStore } from './complaint-store.js';
import {
  CLOSED_COMPLAINT_STATUSES,
  type ComplaintStatus,
  type DispositionCode,
  OPEN_COMPLAINT_STATUSES,
} from './complaint-types.js';

/** The statuses an operator sets through the status action; closing has its own actions, escalation is the clock's. */
export const OPERATOR_SETTABLE_STATUSES = ['open', 'assigned', 'waiting_for_biller'] as const;
export type OperatorSettableStatus = (typeof OPERATOR_SETTABLE_STATUSES)[number];

export interface ComplaintActionDeps {
  store: ComplaintStore;
  audit: Pick<OperatorAudit, 'record' | 'list'>;
  notify: ComplaintNotifier;
}

/** A refusal is a 409 (the state moved) unless it says otherwise (an owner nobody knows: 422). */
type Outcome = { complaint: Complaint } | { refused: string; unknownOwner?: true };

/**
 * What operators do to complaints: assign, set a status, resolve, reject. Every action, done or
 * refused, is written to the operator audit log with the operator's reason (hub/operator/audit-log.ts),
 * and every move is one conditional update from the status the operator saw, so two operators
 * acting at once cannot both move it: the second is refused (409 complaint_state_conflict).
 */
export class ComplaintActions {
  constructor(private readonly deps: ComplaintActionDeps) {}

  private async act(
    id: string,
    actor: ComplaintActor,
    action: string,
    reason: string,
    run: (complaint: Complaint) => Promise<Outcome>,
  ): Promise<Complaint> {
    const complaint = await this.deps.store.findById(id);
    const outcome: Outcome = complaint ? await run(complaint) : { refused: 'no such complaint' };
    await this.deps.audit.record({
      actor,
      action: `complaint.${action}`,
      subject: { kind: 'complaint', id },
      reason,
      outcome: 'refused' in outcome ? 'refused' : 'done',
      ...('refused' in outcome
        ? { detail: outcome.refused }
        : {
            detail: `status ${outcome.complaint.status}${outcome.complaint.owner ? `, owner ${outcome.complaint.owner.sub}` : ''}`,
          }),
      ...(complaint ? { paymentId: complaint.paymentId } : {}),
    });
    if (!complaint) throw new ComplaintNotFoundError();
    if ('refused' in outcome && outcome.unknownOwner) throw new UnknownOwnerError(outcome.refused);
    if ('refused' in outcome) throw new ComplaintStateError('complaint_state_conflict', outcome.refused);
    return outcome.complaint;
  }

  /** The owner as the audit log knows them (the actor always counts); undefined for an operator never seen. */
  private async knownOwner(owner: ComplaintActor, actor: ComplaintActor): Promise<ComplaintActor | undefined> {
    if (owner.sub === actor.sub) return actor;
    const [seen] = await this.deps.audit.list({ actorSub: owner.sub, limit: 1 });
    if (!seen) return undefined;
    return { sub: seen.actor.sub, ...(seen.actor.label ? { label: seen.actor.label } : {}) };
  }

  private refusedFor(complaint: Complaint, what: string): { refused: string } {
    return { refused: `a complaint that is ${complaint.status} cannot be ${what}` };
  }

  /**
   * Gives the complaint an owner (the acting operator unless another is named); it becomes assigned.
   * Another owner must be an operator the hub knows, one who has acted in the console before (the
   * audit log names them; their label comes from there, not from the request), so a complaint
   * never sits with a made-up owner until it escalates. Throws UnknownOwnerError (422) otherwise.
   */
  assign(id: string, actor: ComplaintActor, input: { owner?: ComplaintActor; reason: string }): Promise<Complaint> {
    return this.act(id, actor, 'assign', input.reason, async (complaint) => {
      if (CLOSED_COMPLAINT_STATUSES.includes(complaint.status)) return this.refusedFor(complaint, 'assigned');
      const owner = await this.knownOwner(input.owner ?? actor, actor);
      if (!owner) {
        return {
          refused: `no operator with the id ${input.owner?.sub} has acted in the console yet: they can take the complaint themselves`,
          unknownOwner: true,
        };
      }
      const entry = { event: 'assigned', detail: `assigned to ${owner.label ?? owner.sub}: ${input.reason}`, actor };
      const moved =
        complaint.status === 'assigned'
          ? await this.deps.store.setOwner(id, 'assigned', owner, entry)
          : await this.deps.store.assign(id, [complaint.status], owner, entry);
      if (!moved) return { refused: 'the complaint changed meanwhile; look again' };
      if (complaint.status !== 'assigned') await this.deps.notify(moved, 'updated');
      return { complaint: moved };
    });
  }

  /** Moves the complaint to open, assigned or waiting_for_biller (as COMPLAINT_TRANSITIONS allows). */
  setStatus(id: string, actor: ComplaintActor, input: { status: OperatorSettableStatus; reason: string }) {
    if (input.status === 'assigned') return this.assign(id, actor, { reason: input.reason });
    return this.act(id, actor, 'status', input.reason, async (complaint) => {
      const moved = await this.deps.store.transition(id, [complaint.status], input.status, {
        entry: { event: 'status_changed', detail: input.reason, actor },
      });
      if (!moved) return this.refusedFor(complaint, `moved to ${input.status}`);
      await this.deps.notify(moved, 'updated');
      return { complaint: moved };
    });
  }

  /** Resolves the complaint with a disposition (its reason is the answer the citizen reads). */
  resolve(
    id: string,
    actor: ComplaintActor,
    input: {
      disposition: { code: DispositionCode; reason?: string; evidence?: Disposition['evidence'] };
      reason: string;
    },
  ) {
    return this.close(id, actor, 'resolve', 'resolved', input.reason, {
      code: input.disposition.code,
      reason: input.disposition.reason ?? input.reason,
      ...(input.disposition.evidence ? { evidence: input.disposition.evidence } : {}),
    });
  }

  /** Rejects the complaint; the reason is the answer the citizen reads. */
  reject(id: string, actor: ComplaintActor, input: { code?: DispositionCode; reason: string }) {
    return this.close(id, actor, 'reject', 'rejected', input.reason, {
      code: input.code ?? 'rejected_no_fault',
      reason: input.reason,
    });
  }

  private close(
    id: string,
    actor: ComplaintActor,
    action: string,
    to: ComplaintStatus,
    reason: string,
    disposition: Disposition,
  ) {
    return this.act(id, actor, action, reason, async (complaint) => {
      if (!OPEN_COMPLAINT_STATUSES.includes(complaint.status)) return this.refusedFor(complaint, to);
      const moved = await this.deps.store.transition(id, [complaint.status], to, {
        entry: { event: to, detail: `${disposition.code}: ${disposition.reason}`, actor },
        disposition,
      });
      if (!moved) return { refused: 'the complaint changed meanwhile; look again' };
      await this.deps.notify(moved, 'closed');
      return { complaint: moved };
    });
  }
}
