export { ipKey, UNPARSED_IP_KEY } from './ip-key.js';
export { generateOtpCode, hashOtpCode, otpCodeMatches } from './otp-code.js';
export { otpPolicyFromConfig } from './otp-config.js';
export { OtpError, type OtpErrorDetails, type OtpErrorReason } from './otp-error.js';
export { defaultOtpPolicy, type OtpPolicy, resolveOtpPolicy, sendGapSeconds } from './otp-policy.js';
export { type IssuedOtp, type OtpOrigin, OtpService, type OtpServiceOptions, type ResentOtp } from './otp-service.js';
