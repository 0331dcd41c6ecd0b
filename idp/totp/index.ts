export { generateTotpSecret, type TotpUriOptions, totpUri, verifyTotp } from './totp.js';
