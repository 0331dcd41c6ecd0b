import type { Model, UpdateQuery } from 'mongoose';

export interface TransitionOptions<T> {
  /** Further changes applied in the same single-document update (e.g. $push to a timeline). */
  update?: UpdateQuery<T>;
  /** Extra conditions the document must still meet, e.g. an expiresAt in the future. */
  where?: Record<string, unknown>;
  field?: string;
}

/**
 * Moves one document from one of `from` to `to` with a single conditional update, so
 * concurrent callers cannot both win: exactly one gets the updated document, the rest null.
 * No multi-document transaction is involved.
 */
export async function transition<T>(
  model: Model<T>,
  id: unknown,
  from: string | readonly string[],
  to: string,
  options: TransitionOptions<T> = {},
) {
  const field = options.field ?? 'status';
  const allowed = typeof from === 'string' ? from : { $in: [...from] };
  const update = options.update ?? {};
  const set = { ...((update as { $set?: object }).$set ?? {}), [field]: to };
  return model
    .findOneAndUpdate({ ...options.where, _id: id, [field]: allowed } as never, { ...update, $set: set } as never, {
      returnDocument: 'after',
    })
    .exec();
}
