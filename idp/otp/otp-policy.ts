/**
 * Limits of the one-time-code login; every duration is in seconds, every count per hour (per
 * day for wrong codes across addresses), each in a fixed window of its own counter. The layers and their numbers are tabled in the README ("One-time-code
 * limits"); the rule behind them is that nothing an attacker can do from their own addresses may
 * lock the owner out for longer than `sendSlowdownMaxSeconds`, and nothing at all on a browser
 * that signed in with a code before (a trusted device).
 */
export interface OtpPolicy {
  codeTtlSeconds: number;
  /** Verifications of one code, counted before the code is looked at. */
  maxAttemptsPerChallenge: number;
  /** Between two codes of one challenge (the "send a new code" link). */
  resendCooldownSeconds: number;
  /** Codes to one identifier, from every address, before each further code must wait (slowing, never blocking). */
  sendsPerIdentifierPerHour: number;
  /** The first wait past `sendsPerIdentifierPerHour`; it doubles with every further code. */
  sendSlowdownSeconds: number;
  /** The longest wait between two codes to one identifier; also the wait once it draws many wrong codes. */
  sendSlowdownMaxSeconds: number;
  /** Codes to one identifier asked for from one address: past this, that address is refused for the hour. */
  sendsPerIdentifierAndIpPerHour: number;
  /** Codes from one address to any identifiers: a backstop high enough for a carrier NAT or an office. */
  sendsPerIpPerHour: number;
  /** Wrong codes for one identifier from one address before that pair is locked. */
  failuresBeforeLock: number;
  /** How long a locked identifier+address pair is refused. */
  lockSeconds: number;
  /** Wrong codes for one identifier from every address in a day before each code to it waits `sendSlowdownMaxSeconds`. */
  failuresPerIdentifierBeforeSlowdown: number;
  /**
   * How long a browser that proved a code for an identifier is trusted for it: its own limits and
   * lock replace those of its address, and it skips the identifier's slowing.
   */
  deviceTrustDays: number;
}

export const defaultOtpPolicy: Readonly<OtpPolicy> = Object.freeze({
  codeTtlSeconds: 300,
  maxAttemptsPerChallenge: 5,
  resendCooldownSeconds: 30,
  sendsPerIdentifierPerHour: 5,
  sendSlowdownSeconds: 60,
  sendSlowdownMaxSeconds: 900,
  sendsPerIdentifierAndIpPerHour: 10,
  sendsPerIpPerHour: 600,
  failuresBeforeLock: 10,
  lockSeconds: 900,
  failuresPerIdentifierBeforeSlowdown: 20,
  deviceTrustDays: 30,
});

/**
 * Fills in the defaults and refuses values the Redis counters cannot work with (throws Error).
 * Left unset, `sendsPerIdentifierAndIpPerHour` is twice `sendsPerIdentifierPerHour`, so raising
 * the older setting alone (as the conformance kit does) raises both and slowing still comes first.
 */
export function resolveOtpPolicy(overrides: Partial<OtpPolicy> = {}): OtpPolicy {
  const policy: OtpPolicy = { ...defaultOtpPolicy };
  for (const [name, value] of Object.entries(overrides) as [keyof OtpPolicy, number | undefined][]) {
    if (value !== undefined) policy[name] = value;
  }
  if (overrides.sendsPerIdentifierAndIpPerHour === undefined) {
    policy.sendsPerIdentifierAndIpPerHour = 2 * policy.sendsPerIdentifierPerHour;
  }
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`OTP policy ${name} must be a positive integer`);
  }
  if (policy.sendSlowdownMaxSeconds < policy.sendSlowdownSeconds) {
    throw new Error('OTP policy sendSlowdownMaxSeconds must be at least sendSlowdownSeconds');
  }
  return policy;
}

/**
 * Seconds the next code to an identifier must wait after its previous one, given how many codes
 * (`sent`) and wrong codes (`failures`) it had in the current hour: none up to
 * `sendsPerIdentifierPerHour`, then `sendSlowdownSeconds` doubling per code up to
 * `sendSlowdownMaxSeconds`; the longest wait at once when it drew many wrong codes.
 */
export function sendGapSeconds(policy: OtpPolicy, sent: number, failures: number): number {
  const max = policy.sendSlowdownMaxSeconds;
  if (failures >= policy.failuresPerIdentifierBeforeSlowdown) return max;
  const over = sent - policy.sendsPerIdentifierPerHour;
  if (over < 0) return 0;
  // Capped before the power so a long hour cannot overflow.
  return Math.min(max, policy.sendSlowdownSeconds * 2 ** Math.min(over, 30));
}
