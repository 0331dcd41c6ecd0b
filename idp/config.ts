import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { baseEnvSchema, env, loadConfig, proxyEnvSchema } from '../infra/config.js';
import { notifierEnvSchema, refineNotifierConfig } from '../infra/notifier/config.js';

const secret = (minLength: number) => z.string().min(minLength, `must be at least ${minLength} characters`);
const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const idpEnvSchema = baseEnvSchema
  .extend({
    IDP_PORT: env.port(4000).describe('The port the idp listens on.'),
    IDP_PROCESSES: env
      .processes()
      .describe(
        'idp processes behind IDP_PORT (Node cluster: a primary and this many workers; all provider state is in Redis and MongoDB). Unset: one per CPU Node sees (os.availableParallelism()); 1 = a single process, no cluster.',
      ),
    IDP_ISSUER: env
      .url()
      .default('http://localhost:4000')
      .describe('The public URL of the idp: the `iss` of every token. Behind TLS, https://... and TRUST_PROXY=true.'),
    IDP_MONGODB_DB: z.string().min(1).default('idp').describe("The idp's database on MONGODB_URI."),
    ...proxyEnvSchema.shape,
    IDP_COOKIE_KEYS: z
      .string()
      .transform((value) => value.split(',').map((key) => key.trim()))
      .pipe(z.array(secret(32)).min(1))
      .describe(
        'Required. Comma-separated cookie signing keys, each at least 32 characters; the first signs, the others still verify (rotation). npm start generates development values into data/dev-secrets.json.',
      ),
    IDP_OTP_SECRET: secret(32).describe('Required. At least 32 characters: the HMAC key of one-time codes at rest.'),
    IDP_DATA_KEY: z
      .string()
      .regex(/^([A-Za-z0-9+/_-]{43}=?|[0-9a-fA-F]{64})$/, 'must be 32 bytes as base64 or hex')
      .describe(
        'Required. 32 random bytes as base64 or hex (openssl rand -base64 32): seals authenticator secrets and signing keys in MongoDB. Losing it loses both.',
      ),
    IDP_CLIENTS_FILE: z
      .string()
      .min(1)
      .default('idp/clients.example.json')
      .describe(
        'The static clients (JSON); each confidential client names the variable holding its secret (client_secret_env).',
      ),
    IDP_ROLES_FILE: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The roles file (idp/roles/roles-file.ts): provider organisations (id, name, members as verified phones in E.164 or emails, the client-credentials clients acting for each, the portals that may sign members in) and operator teams. Unset: nobody holds a role; npm start and compose use idp/roles.example.json.',
      ),
    IDP_REGISTRATION_TOKEN: secret(32)
      .optional()
      .describe(
        'Initial access token for RFC 7591 dynamic client registration (POST /reg, 32+ characters); registration is off when unset.',
      ),
    IDP_DEFAULT_REGION: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .default('IN')
      .describe('Region for phone numbers typed without a country code (ISO 3166 alpha-2).'),
    HUB_API_RESOURCE: env
      .url()
      .default('http://localhost:3000/api')
      .describe("The hub's API as a resource indicator: tokens for it are JWTs with this audience."),
    /** See pkce-policy.ts. */
    IDP_REQUIRE_PKCE: z
      .enum(['public', 'all'])
      .default('public')
      .describe(
        'Who must send PKCE (S256) with the code flow: public = clients without a secret, and confidential clients whose metadata says require_pkce: true (the others may use the plain code flow that OpenID certification and many off-the-shelf relying parties use); all = every client.',
      ),
    IDP_OUTBOUND_ALLOW_PRIVATE: z
      .stringbool()
      .default(false)
      .describe(
        'Allow back-channel logout calls to loopback and private addresses (oidc-provider refuses them against SSRF) for relying parties on the same private network. npm start sets it; public deployments should leave it false.',
      ),
    IDP_ACCESS_TOKEN_TTL_SECONDS: seconds(900).describe('Lifetime of an access token.'),
    IDP_SESSION_TTL_SECONDS: seconds(14 * 24 * 3600).describe(
      'Lifetime (14 days) of sessions, grants and refresh tokens.',
    ),
    IDP_REFRESH_REUSE_GRACE_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(60)
      .default(5)
      .describe(
        'Seconds after a refresh token rotates during which a duplicate of that request gets the same new tokens (lost responses, parallel refreshes); a reuse after it revokes the grant. 0 = off.',
      ),
    IDP_CONSENT_TTL_DAYS: z.coerce
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(365)
      .describe(
        "Days a citizen's consent to a third-party client is remembered after it was last given (revocable at /account/connected); then the client asks again.",
      ),
    IDP_ACCOUNT_CACHE_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .default(5)
      .describe(
        'Seconds a process reuses an account it read for a token grant (a disabled account shows within this); 0 reads MongoDB every time.',
      ),
    /** One-time-code limits: see OtpPolicy (idp/otp/otp-policy.ts) and the README's "One-time-code limits". */
    OTP_CODE_TTL_SECONDS: seconds(300).describe(
      'How long a one-time code is valid (see the README\'s "One-time-code limits").',
    ),
    OTP_MAX_ATTEMPTS: count(5).describe('Tries per code: past it the code is spent, even the right one refused.'),
    OTP_RESEND_COOLDOWN_SECONDS: seconds(30).describe(
      'The wait between two codes of one sign-in (the "send a new code" link).',
    ),
    OTP_SENDS_PER_IDENTIFIER_PER_HOUR: count(5).describe(
      'Codes to one identifier (all addresses) per hour before each further one waits (OTP_SEND_SLOWDOWN_SECONDS).',
    ),
    OTP_SEND_SLOWDOWN_SECONDS: seconds(60).describe(
      'The first wait past OTP_SENDS_PER_IDENTIFIER_PER_HOUR; it doubles with every further code.',
    ),
    OTP_SEND_SLOWDOWN_MAX_SECONDS: seconds(900).describe('The longest wait between two codes to one identifier.'),
    OTP_SENDS_PER_IDENTIFIER_AND_IP_PER_HOUR: z.coerce
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        'Codes to one identifier asked for from one origin per hour; past it that origin is refused for the hour. Unset: twice OTP_SENDS_PER_IDENTIFIER_PER_HOUR.',
      ),
    OTP_SENDS_PER_IP_PER_HOUR: count(600).describe(
      "Codes from one address to any identifiers per hour: a backstop high enough for a mobile carrier's NAT or an office.",
    ),
    OTP_FAILURES_BEFORE_LOCK: count(10).describe(
      'Wrong codes for one identifier from one origin before that pair is locked for OTP_LOCK_SECONDS.',
    ),
    OTP_LOCK_SECONDS: seconds(900).describe('How long a locked identifier and origin pair is refused.'),
    OTP_FAILURES_PER_IDENTIFIER_BEFORE_SLOWDOWN: count(20).describe(
      'Wrong codes for one identifier from every address in a day before each code to it waits the longest wait.',
    ),
    OTP_DEVICE_TRUST_DAYS: count(30).describe(
      'How long a browser that signed in with a code is counted as itself rather than as its address.',
    ),
  })
  .extend(notifierEnvSchema.shape)
  .superRefine(refineNotifierConfig);
export type IdpConfig = z.infer<typeof idpEnvSchema>;

/** How many idp processes to run: IDP_PROCESSES, else one per CPU this process may use. */
export const idpProcessCount = (config: Pick<IdpConfig, 'IDP_PROCESSES'>): number =>
  config.IDP_PROCESSES ?? availableParallelism();

export const loadIdpConfig = (environment: Record<string, string | undefined> = process.env) =>
  loadConfig(idpEnvSchema, environment);
