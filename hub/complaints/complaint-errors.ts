import { AppError } from '../../infra/errors.js';

/** 404: no such complaint, or (for a citizen) not theirs: the two are not told apart. */
export class ComplaintNotFoundError extends AppError {
  constructor() {
    super(404, 'complaint_not_found', 'no such complaint');
  }
}

/** 409: the complaint's state does not allow this (closed, already rated, moved meanwhile). */
export class ComplaintStateError extends AppError {
  constructor(code: 'complaint_state_conflict' | 'complaint_not_closed' | 'complaint_already_rated', message: string) {
    super(409, code, message);
  }
}

/** 422: an assignment to an operator the hub has never seen act (hub/complaints/operator-actions.ts). */
export class UnknownOwnerError extends AppError {
  constructor(message: string) {
    super(422, 'unknown_operator', message);
  }
}
