import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';
import { openSecret, sealSecret } from '../crypto/secret-box.js';

interface SigningKeyDoc {
  /** The key's kid (its JWK thumbprint), or FIRST_KEY_ID for the key made on the first start. */
  _id: string;
  /** The key's kid, also when _id is FIRST_KEY_ID (absent on keys stored before it was kept). */
  kid?: string;
  /** The private JWK, sealed with IDP_DATA_KEY. */
  sealedJwk: string;
  createdAt: Date;
  /** Set on rotation: the key still verifies tokens until then, but no longer signs. */
  retireAt: Date | null;
}

const signingKeySchema = new Schema<SigningKeyDoc>({
  _id: String,
  kid: String,
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
  return {
    _id: kid,
    kid,
    sealedJwk: sealSecret(JSON.stringify(full), dataKey),
    createdAt: new Date(),
    retireAt: null,
  };
}

/**
 * The fixed id of the key made on the first start. Several idp processes (IDP_PROCESSES, or
 * several containers) may start together on an empty database: each proposes its own new key
 * under this id and only the first write stores one, so they all sign with the same key.
 */
export const FIRST_KEY_ID = 'first-key';

const isDuplicateKey = (error: unknown) => (error as { code?: number })?.code === 11000;

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
    const { _id, ...proposed } = await newSigningKey(dataKey);
    // Insert-if-absent: a concurrent upsert of the same id may lose with a duplicate key error.
    await SigningKey.updateOne({ _id: FIRST_KEY_ID }, { $setOnInsert: proposed }, { upsert: true })
      .exec()
      .catch((error: unknown) => {
        if (!isDuplicateKey(error)) throw error;
      });
    keys = await live();
  }
  // Only when the first key was retired and every later one is gone too (never by idp:keys).
  if (keys.length === 0) throw new Error('every stored signing key has retired: run `npm run idp:keys -- rotate`');
  return keys.map((key) => JSON.parse(openSecret(key.sealedJwk, dataKey)) as JWK);
}

/** Every stored key, newest first, without its secret part. */
export async function listSigningKeys(conn: Connection) {
  const keys = await signingKeyModel(conn).find({}, { sealedJwk: 0 }).sort({ createdAt: -1 }).lean().exec();
  return keys.map((key) => ({ kid: key.kid ?? key._id, createdAt: key.createdAt, retireAt: key.retireAt }));
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
