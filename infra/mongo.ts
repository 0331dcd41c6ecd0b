import mongoose, { type Connection, type Model, type MongooseQueryMiddleware, type mongo, type Schema } from 'mongoose';
import { ConflictError } from './errors.js';

export type { Connection };

interface MongoServerError {
  code?: number;
  keyPattern?: Record<string, unknown>;
}

/**
 * The local MongoDB-compatible server's words for a lost race to insert one `_id`: its storage
 * refuses the second insert after the duplicate check passed, and the error comes back as an
 * "Unknown error" instead of E11000 (seen when two settlement jobs booked one ledger movement).
 */
const LOCAL_SERVER_DUPLICATE_ID = /Document with key '.*' already existed in /;

/** E11000, or the local server's lost `_id` race (LOCAL_SERVER_DUPLICATE_ID): the key is taken. */
export function isDuplicateKeyError(error: unknown): error is MongoServerError {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as MongoServerError).code === 11000) return true;
  return LOCAL_SERVER_DUPLICATE_ID.test(String((error as Error).message ?? ''));
}

/** The fields of each index by the name MongoDB gives it (explicit, or field_direction pairs). */
function indexFieldsByName(schema: Schema): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const [fields, options] of schema.indexes()) {
    const name = (options as { name?: string }).name ?? Object.entries(fields).flat().join('_');
    byName.set(name, Object.keys(fields));
  }
  return byName;
}

/**
 * The ConflictError for a duplicate key error of a model with `schema`, naming the colliding
 * fields (not their values, which may be personal data); `error` itself when it is something else.
 * Real MongoDB reports keyPattern; the local server only names the index in its message.
 */
export function asDuplicateKeyConflict(error: unknown, schema: Schema): unknown {
  if (!isDuplicateKeyError(error)) return error;
  const message = (error as Error).message ?? '';
  const index = /index: (\S+)/.exec(message)?.[1];
  const fields = error.keyPattern
    ? Object.keys(error.keyPattern)
    : LOCAL_SERVER_DUPLICATE_ID.test(message)
      ? ['_id']
      : ((index ? indexFieldsByName(schema).get(index) : undefined) ?? []);
  return new ConflictError(`duplicate value for ${fields.join(', ') || 'a unique key'}`, { fields });
}

/** Turns E11000 into a ConflictError (asDuplicateKeyConflict) for every model of a connection. */
function conflictOnDuplicateKey(schema: Schema): void {
  const translate = (error: unknown, _res: unknown, next: (err?: Error) => void) => {
    next(asDuplicateKeyConflict(error, schema) as Error);
  };
  schema.post('save', translate as never);
  schema.post(['findOneAndUpdate', 'updateOne', 'updateMany'] as const, translate as never);
  schema.post('insertMany', translate as never);
  schema.post('bulkWrite', translate as never);
}

/** Models whose index build is over: their operations go straight on. */
const indexesBuilt = new WeakSet<object>();

type InitModel = { init(): Promise<unknown> };

/**
 * Resolves once `model`'s index build is over; nothing to wait for after the first time. A failed
 * build lets operations through: whoever awaits Model.init() (the services' init) sees the failure
 * and may repair it with operations of its own (hub/ledger's legacy check counts documents).
 */
function indexesOf(model: InitModel | undefined): Promise<void> | undefined {
  if (!model || typeof model.init !== 'function' || indexesBuilt.has(model)) return undefined;
  const over = () => {
    indexesBuilt.add(model);
  };
  return model.init().then(over, over);
}

/**
 * The driver collection of `model`, once its index build is over (as awaitIndexes holds mongoose's
 * own calls): for the few hot writes that skip mongoose's casting, validation and document
 * building, with their values checked by their callers. Calls on it still pass through mongoose's
 * collection wrapper (its debug hook sees them; commands wait for the connection). Nothing waits
 * after the first time.
 */
export async function driverCollection<T extends mongo.Document>(model: Model<T>): Promise<mongo.Collection<T>> {
  const building = indexesOf(model);
  if (building) await building;
  // Typed by the model's documents (string ids, not the driver's default ObjectId).
  return model.collection as unknown as mongo.Collection<T>;
}

/**
 * A copy of `value` without its undefined fields, in nested plain objects and arrays too (Dates and
 * other class instances are kept as they are): what a lean insert should store, since the driver
 * writes an undefined field as null where mongoose leaves it out.
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => withoutUndefined(item)) as T;
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) copy[key] = withoutUndefined(field);
  return copy as T;
}

/**
 * Holds every operation of a model until its collection and indexes are built (Model.init, which
 * autoIndex starts when the model is compiled). A write racing that build is not safe: a unique
 * index built after a duplicate slipped in fails, and the local MongoDB-compatible server answers
 * an insert into a collection it is still creating with "Unknown error: null".
 */
function awaitIndexes(schema: Schema): void {
  const queryOps: MongooseQueryMiddleware[] = [
    'countDocuments',
    'deleteMany',
    'deleteOne',
    'distinct',
    'estimatedDocumentCount',
    'find',
    'findOne',
    'findOneAndDelete',
    'findOneAndReplace',
    'findOneAndUpdate',
    'replaceOne',
    'updateMany',
    'updateOne',
  ];
  schema.pre(queryOps, { query: true, document: false }, function (this: { model: InitModel }) {
    return indexesOf(this.model);
  });
  schema.pre('save', function (this: { $isSubdocument?: boolean; constructor: unknown }) {
    return this.$isSubdocument ? undefined : indexesOf(this.constructor as InitModel);
  });
  schema.pre('insertMany', function (this: InitModel) {
    return indexesOf(this);
  });
  schema.pre('bulkWrite', function (this: InitModel) {
    return indexesOf(this);
  });
  schema.pre('aggregate', function (this: { model(): InitModel }) {
    return indexesOf(this.model());
  });
}

export interface MongoOptions {
  dbName: string;
  /** How long an operation waits for a reachable server before failing. */
  serverSelectionTimeoutMS?: number;
}

/**
 * One connection per service. Models are registered on it (`conn.model(...)`), never
 * on the global mongoose instance, so tests can open isolated databases side by side.
 */
export async function connectMongo(uri: string, options: MongoOptions): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    dbName: options.dbName,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5_000,
    connectTimeoutMS: 5_000,
    socketTimeoutMS: 30_000,
    // Indexes are built on start-up; a service that cannot build them should fail loudly.
    autoIndex: true,
  });
  connection.plugin(conflictOnDuplicateKey);
  connection.plugin(awaitIndexes);
  await connection.asPromise();
  return connection;
}

export async function pingMongo(connection: Connection): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('mongo connection not open');
  await db.command({ ping: 1 });
}

/** `text` as a literal inside a MongoDB `$regex` (or any RegExp): every metacharacter escaped. */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
