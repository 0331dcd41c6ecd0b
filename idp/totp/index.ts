export { openSecret, parseSecretKey, sealSecret } from './secret-box.js';
export { generateTotpSecret, isFreshTotpStep, type TotpUriOptions, totpUri, verifyTotp } from './totp.js';
