import { type InferSchemaType, type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';

/** One scope of one resource server (RFC 8707 indicator), as the provider's Grant keeps them. */
const resourceScopeSchema = new Schema(
  {
    resource: { type: String, required: true },
    scope: { type: String, required: true },
  },
  { _id: false },
);

/** A provider Grant (Redis) made under this consent, so revoking the consent can end its tokens. */
const grantRefSchema = new Schema(
  {
    id: { type: String, required: true },
    /** When the Grant itself expires (its TTL is the session's); a reference past it is dropped. */
    expiresAt: { type: Date, required: true },
  },
  { _id: false },
);

/**
 * What a citizen allowed one third-party client, remembered across sessions until the citizen
 * revokes it or it expires (IDP_CONSENT_TTL_DAYS after the last time the citizen allowed it).
 * Expiry is read, not enforced by a TTL index: an expired record is ignored and replaced.
 */
const consentSchema = new Schema(
  {
    /** consentId(accountId, clientId): one record per citizen and client. */
    _id: { type: String, required: true },
    accountId: { type: String, required: true, index: true },
    clientId: { type: String, required: true },
    /** OpenID scopes (`openid`, `profile`, …); never `offline_access`, which is asked each time. */
    scopes: { type: [String], default: [] },
    /** Claims asked for by name (the `claims` parameter). */
    claims: { type: [String], default: [] },
    resourceScopes: { type: [resourceScopeSchema], default: [] },
    grants: { type: [grantRefSchema], default: [] },
    /** The first time the citizen allowed this client (shown as "since"). */
    grantedAt: { type: Date, required: true },
    /** The last time the citizen allowed this client something. */
    updatedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export type ConsentDoc = InferSchemaType<typeof consentSchema> & { _id: string };
export type ConsentModel = Model<ConsentDoc>;

/** The record's key: an account id is a UUID, so the first `/` always ends it. */
export const consentId = (accountId: string, clientId: string) => `${accountId}/${clientId}`;

export function consentModel(conn: Connection): ConsentModel {
  return (conn.models.Consent as ConsentModel | undefined) ?? conn.model<ConsentDoc>('Consent', consentSchema);
}
