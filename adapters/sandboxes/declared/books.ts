import { checkedConsumerCount } from '../shared/population.js';
import { seededRandom } from '../shared/seeded.js';
import type { Problems } from './problems.js';
import { type BookDay, bookDay, compileRule, type Rule, type Scope } from './rules.js';
import type { DeclaredSandboxFile } from './schema.js';

/** One consumer on a declared sandbox's books: its fields, and its demand (undefined when nothing is due). */
export interface BookEntry {
  key: string;
  consumer: Record<string, unknown>;
  demand?: Record<string, unknown>;
}

/** The books of a declared sandbox, compiled: build them for a population size and a day. */
export interface CompiledBooks {
  /**
   * `count` consumers (checked as shared/population.ts says; throws RangeError), the listed ones
   * first, then generated ones drawn from the seed: the same seed and count give the same book,
   * and a larger count the same first consumers followed by more. Dates are relative to `now`'s
   * Indian date. Throws an Error naming the field when a rule produces something unusable.
   */
  build(count: number, now: Date): Map<string, BookEntry>;
}

interface FieldRule {
  name: string;
  rule: Rule;
}

/** Compiles the `books` section; problems go to `problems` with their field paths. */
export function compileBooks(
  file: DeclaredSandboxFile,
  problems: Problems,
  excluded: ReadonlySet<string>,
): CompiledBooks {
  const { books, consumerKey } = file;
  const pattern = new RegExp(`^(?:${file.consumerPattern})$`);
  const known = new Set<string>();
  const compileFields = (fields: Record<string, unknown>, base: string): FieldRule[] =>
    Object.entries(fields).map(([name, node]) => {
      if (known.has(name)) problems.add(`${base}.${name}`, 'a field of this name is already declared');
      const rule = compileRule(node, `${base}.${name}`, known, problems);
      known.add(name);
      return { name, rule };
    });

  const consumerFields = compileFields(books.consumer, 'books.consumer');
  if (!(consumerKey in books.consumer)) {
    problems.add('books.consumer', `needs a field named ${consumerKey} (the consumerKey)`);
  }
  const present = compileRule(books.demand.present ?? true, 'books.demand.present', known, problems);
  const demandFields = compileFields(books.demand.fields, 'books.demand.fields');
  for (const [i, listed] of books.listed.entries()) {
    for (const name of Object.keys(listed.consumer)) {
      if (!(name in books.consumer)) problems.add(`books.listed[${i}].consumer.${name}`, 'not a consumer field');
    }
    for (const name of Object.keys(listed.demand || {})) {
      if (!(name in books.demand.fields)) problems.add(`books.listed[${i}].demand.${name}`, 'not a demand field');
    }
  }

  /** Fields in order, each written-out value taken as it is and the others drawn by their rule. */
  const fill = (
    rules: FieldRule[],
    given: Record<string, unknown>,
    random: () => number,
    scope: Scope,
    day: BookDay,
  ) => {
    const out: Record<string, unknown> = {};
    for (const { name, rule } of rules) {
      const value = name in given ? given[name] : rule(random, scope, day);
      scope[name] = value;
      out[name] = value;
    }
    return out;
  };

  const entryOf = (
    random: () => number,
    day: BookDay,
    listed?: DeclaredSandboxFile['books']['listed'][number],
  ): BookEntry => {
    const scope: Scope = {};
    const consumer = fill(consumerFields, listed?.consumer ?? {}, random, scope, day);
    const due =
      listed?.demand === false ? false : listed?.demand !== undefined ? true : Boolean(present(random, scope, day));
    const demand = due ? fill(demandFields, listed?.demand || {}, random, scope, day) : undefined;
    return { key: String(consumer[consumerKey] ?? ''), consumer, ...(demand ? { demand } : {}) };
  };

  return {
    build(count, now) {
      checkedConsumerCount(count);
      const random = seededRandom(books.seed);
      const day = bookDay(now);
      const book = new Map<string, BookEntry>();
      for (const [i, listed] of books.listed.entries()) {
        const entry = entryOf(random, day, listed);
        if (book.has(entry.key)) throw new Error(`books.listed[${i}]: ${consumerKey} ${entry.key} is listed twice`);
        book.set(entry.key, entry);
      }
      // A book whose key rules cannot make `count` distinct keys fails instead of looping for ever.
      let tries = count * 50 + 1_000;
      while (book.size < count) {
        if (tries-- <= 0) {
          throw new Error(`books.consumer.${consumerKey}: the rules made only ${book.size} distinct keys of ${count}`);
        }
        const entry = entryOf(random, day);
        if (!pattern.test(entry.key)) {
          throw new Error(`books.consumer.${consumerKey}: generated ${entry.key}, which breaks consumerPattern`);
        }
        if (!book.has(entry.key) && !excluded.has(entry.key)) book.set(entry.key, entry);
      }
      return book;
    },
  };
}
