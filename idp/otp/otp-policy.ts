/** Limits of the one-time-code login; every duration is in seconds. */
export interface OtpPolicy {
  codeTtlSeconds: number;
  maxAttemptsPerChallenge: number;
  resendCooldownSeconds: number;
  sendsPerIdentifierPerHour: number;
  sendsPerIpPerHour: number;
  failuresBeforeLock: number;
  lockSeconds: number;
}

export const defaultOtpPolicy: Readonly<OtpPolicy> = Object.freeze({
  codeTtlSeconds: 300,
  maxAttemptsPerChallenge: 5,
  resendCooldownSeconds: 30,
  sendsPerIdentifierPerHour: 5,
  sendsPerIpPerHour: 30,
  failuresBeforeLock: 10,
  lockSeconds: 900,
});

/** Fills in the defaults and refuses values the Redis counters cannot work with. */
export function resolveOtpPolicy(overrides: Partial<OtpPolicy> = {}): OtpPolicy {
  const policy: OtpPolicy = { ...defaultOtpPolicy };
  for (const [name, value] of Object.entries(overrides) as [keyof OtpPolicy, number | undefined][]) {
    if (value !== undefined) policy[name] = value;
  }
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`OTP policy ${name} must be a positive integer`);
  }
  return policy;
}
