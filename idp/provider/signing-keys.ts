import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';
import { openSecret, sealSecret } from '../crypto/secret-box.js';

interface SigningKeyDoc {
  _id: string;
  /** The private JWK, sealed with IDP_DATA_KEY. */
  sealedJwk: string;
  createdAt: Date;
  /** Set on rotation: the key still verifies tokens until then, but no longer signs. */
  retireAt: Date | null;
}

const signingKeySchema = new Schema<SigningKeyDoc>({
  _id: String,
  sealedJwk: { type: String, required: true },
  createdAt: { type: Date, required: true },
  retireAt: { type: Date, default: null },
});

function signingKeyModel(conn: Connection): Model<SigningKeyDoc> {
  return (
    (conn.models.SigningKey as Model<SigningKeyDoc> | undefined) ??
    conn.model<SigningKeyDoc>('SigningKey', signingKeySchema)
  );
}

async function newSigningKey(dataKey: Buffer): Promise<SigningKeyDoc> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  const full: JWK = { ...jwk, kid, alg: 'RS256', use: 'sig' };
  return { _id: kid, sealedJwk: sealSecret(JSON.stringify(full), dataKey), createdAt: new Date(), retireAt: null };
}

/**
 * The provider's signing keys, newest first (the newest signs; the others still verify).
 * The first start creates one; every later start, on any idp process, reuses the stored ones.
 */
export async function loadSigningKeys(conn: Connection, dataKey: Buffer): Promise<JWK[]> {
  const SigningKey = signingKeyModel(conn);
  const live = () =>
    SigningKey.find({ $or: [{ retireAt: null }, { retireAt: { $gt: new Date() } }] })
      .sort({ createdAt: -1 })
      .lean<SigningKeyDoc[]>()
      .exec();
  let keys = await live();
  if (keys.length === 0) {
    await SigningKey.create(await newSigningKey(dataKey));
    keys = await live();
  }
  return keys.map((key) => JSON.parse(openSecret(key.sealedJwk, dataKey)) as JWK);
}

/** Every stored key, newest first, without its secret part. */
export async function listSigningKeys(conn: Connection) {
  const keys = await signingKeyModel(conn).find({}, { sealedJwk: 0 }).sort({ createdAt: -1 }).lean().exec();
  return keys.map((key) => ({ kid: key._id, createdAt: key.createdAt, retireAt: key.retireAt }));
}

/**
 * Adds a new signing key and schedules the older ones to retire after `graceSeconds`, long
 * enough for every token they signed to expire. Processes sign with the new key once restarted.
 */
export async function rotateSigningKeys(conn: Connection, dataKey: Buffer, graceSeconds: number) {
  const SigningKey = signingKeyModel(conn);
  const retireAt = new Date(Date.now() + graceSeconds * 1000);
  const retiring = await SigningKey.updateMany({ retireAt: null }, { $set: { retireAt } });
  const created = await SigningKey.create(await newSigningKey(dataKey));
  const removed = await SigningKey.deleteMany({ retireAt: { $lte: new Date() } });
  return { added: created._id, retiring: retiring.modifiedCount, removed: removed.deletedCount };
}
