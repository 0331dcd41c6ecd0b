export type OtpErrorReason = 'rate_limited' | 'cooldown' | 'locked' | 'invalid_code' | 'expired' | 'too_many_attempts';

export interface OtpErrorDetails {
  /** Seconds until the same request can succeed (rate_limited, cooldown, locked). */
  retryAfterSeconds?: number;
  /** Verifications left on the challenge (invalid_code). */
  attemptsLeft?: number;
}

const messages: Record<OtpErrorReason, string> = {
  rate_limited: 'too many codes sent, try again later',
  cooldown: 'a code was sent moments ago, wait before asking for another',
  locked: 'too many wrong codes, try again later',
  invalid_code: 'the code is not correct',
  expired: 'the code has expired or was already used',
  too_many_attempts: 'too many tries for this code, ask for a new one',
};

/** A refusal the login pages show to the citizen; `reason` is stable, the message is not. */
export class OtpError extends Error {
  readonly retryAfterSeconds?: number;
  readonly attemptsLeft?: number;

  constructor(
    readonly reason: OtpErrorReason,
    details: OtpErrorDetails = {},
  ) {
    super(messages[reason]);
    this.name = 'OtpError';
    if (details.retryAfterSeconds !== undefined) this.retryAfterSeconds = details.retryAfterSeconds;
    if (details.attemptsLeft !== undefined) this.attemptsLeft = details.attemptsLeft;
  }
}
