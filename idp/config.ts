import { z } from 'zod';
import { baseEnvSchema, env, loadConfig, proxyEnvSchema } from '../infra/config.js';
import { notifierEnvSchema, refineNotifierConfig } from '../infra/notifier/config.js';

const secret = (minLength: number) => z.string().min(minLength, `must be at least ${minLength} characters`);
const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const idpEnvSchema = baseEnvSchema
  .extend({
    IDP_PORT: env.port(4000),
    IDP_ISSUER: env.url().default('http://localhost:4000'),
    IDP_MONGODB_DB: z.string().min(1).default('idp'),
    ...proxyEnvSchema.shape,
    /** Comma-separated; the first signs cookies, the rest still verify (rotation). */
    IDP_COOKIE_KEYS: z
      .string()
      .transform((value) => value.split(',').map((key) => key.trim()))
      .pipe(z.array(secret(32)).min(1)),
    /** HMAC key for one-time codes at rest. */
    IDP_OTP_SECRET: secret(32),
    /** 32 bytes, base64 or hex: seals authenticator secrets and signing keys at rest. */
    IDP_DATA_KEY: z.string().regex(/^([A-Za-z0-9+/_-]{43}=?|[0-9a-fA-F]{64})$/, 'must be 32 bytes as base64 or hex'),
    IDP_CLIENTS_FILE: z.string().min(1).default('idp/clients.example.json'),
    /**
     * The roles file (idp/roles/roles-file.ts): provider organisations, their members and clients.
     * Unset: nobody holds a role. `npm start` and compose use idp/roles.example.json.
     */
    IDP_ROLES_FILE: z.string().min(1).optional(),
    /** Initial access token for RFC 7591 dynamic registration; registration is off without it. */
    IDP_REGISTRATION_TOKEN: secret(32).optional(),
    /** Region for phone numbers typed without a country code (ISO 3166 alpha-2). */
    IDP_DEFAULT_REGION: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .default('IN'),
    HUB_API_RESOURCE: env.url().default('http://localhost:3000/api'),
    /**
     * Who must send PKCE: `public` clients only (and confidential ones with require_pkce: true,
     * so the plain code flow of certification works), or `all` clients. See pkce-policy.ts.
     */
    IDP_REQUIRE_PKCE: z.enum(['public', 'all']).default('public'),
    /**
     * oidc-provider refuses outgoing calls (back-channel logout) to loopback and private
     * addresses against SSRF; relying parties on a private network (compose, localhost) need this.
     */
    IDP_OUTBOUND_ALLOW_PRIVATE: z.stringbool().default(false),
    IDP_ACCESS_TOKEN_TTL_SECONDS: seconds(900),
    IDP_SESSION_TTL_SECONDS: seconds(14 * 24 * 3600),
    /** After a refresh token rotates, duplicates of that request get the same answer this long; 0 turns it off. */
    IDP_REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(60).default(5),
    /** How long a third-party client's remembered consent lasts after the citizen last gave it. */
    IDP_CONSENT_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
    /** How long a process may reuse an account it read for a token grant; 0 reads every time. */
    IDP_ACCOUNT_CACHE_SECONDS: z.coerce.number().int().min(0).default(5),
    /** One-time-code limits: see OtpPolicy (idp/otp/otp-policy.ts) and the README's "One-time-code limits". */
    OTP_CODE_TTL_SECONDS: seconds(300),
    OTP_MAX_ATTEMPTS: count(5),
    OTP_RESEND_COOLDOWN_SECONDS: seconds(30),
    /** Codes to one identifier (all addresses) per hour before each further one waits. */
    OTP_SENDS_PER_IDENTIFIER_PER_HOUR: count(5),
    OTP_SEND_SLOWDOWN_SECONDS: seconds(60),
    OTP_SEND_SLOWDOWN_MAX_SECONDS: seconds(900),
    /** Unset: twice OTP_SENDS_PER_IDENTIFIER_PER_HOUR. */
    OTP_SENDS_PER_IDENTIFIER_AND_IP_PER_HOUR: z.coerce.number().int().positive().optional(),
    /** High enough for a mobile carrier's NAT or an office behind one address. */
    OTP_SENDS_PER_IP_PER_HOUR: count(600),
    /** Wrong codes for one identifier from one address before that pair is locked for OTP_LOCK_SECONDS. */
    OTP_FAILURES_BEFORE_LOCK: count(10),
    OTP_LOCK_SECONDS: seconds(900),
    /** Wrong codes for one identifier from every address in a day before each code to it waits the longest wait. */
    OTP_FAILURES_PER_IDENTIFIER_BEFORE_SLOWDOWN: count(20),
    /** How long a browser that signed in with a code is counted as itself rather than as its address. */
    OTP_DEVICE_TRUST_DAYS: count(30),
  })
  .extend(notifierEnvSchema.shape)
  .superRefine(refineNotifierConfig);
export type IdpConfig = z.infer<typeof idpEnvSchema>;

export const loadIdpConfig = (environment: Record<string, string | undefined> = process.env) =>
  loadConfig(idpEnvSchema, environment);
