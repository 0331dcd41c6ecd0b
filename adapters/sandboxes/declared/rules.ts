import { daysFromToday, indianDate, personName } from '../shared/seeded.js';
import type { Problems } from './problems.js';

/**
 * The books' value rules: how a sandbox file says what each consumer and demand field holds.
 * A rule is a constant (string, number, boolean) or an object with one rule word:
 *
 *   {between: [min, max], pad?: n}   a whole number drawn in [min, max]; `pad` gives a zero-padded string
 *   {pick: [a, b, ...], weights?: [..]}   one of the values (weights: relative chances)
 *   {chance: p, then?: rule, else?: rule}   then (default true) with chance p, else (default false)
 *   {personName: true}               an Indian name ("Asha Verma")
 *   {ref: field}                     an earlier field's value
 *   {template: "PT/{year}/{key}"}    text with earlier fields put in
 *   {sum: [rule, ...]}               whole numbers added
 *   {percentOf: rule, percent: rule} rule * percent / 100, rounded half up to a whole number (paise)
 *   {lookup: rule, table: {k: rule}, default?: rule}   the table's rule for the value
 *   {daysFromToday: rule}            the Indian date (YYYY-MM-DD) that many days from today
 *   {today: date|financialYear|halfYear}   today's Indian date, "2026-27", or "H1"/"H2"
 *
 * Rules are compiled once into plain functions: a 200,000-consumer book builds in about a second.
 */

/** The fields computed so far for one consumer. */
export type Scope = Record<string, unknown>;
/** The day a book is built on: today's Indian date, and dates relative to it (memoised: a book asks thousands of times). */
export interface BookDay {
  /** YYYY-MM-DD in India. */
  today: string;
  /** The Indian date `days` from today. */
  daysFrom(days: number): string;
}

/** The BookDay of an instant. */
export function bookDay(now: Date): BookDay {
  const today = indianDate(now);
  const dates = new Map<number, string>();
  return {
    today,
    daysFrom(days) {
      let date = dates.get(days);
      if (date === undefined) {
        date = daysFromToday(days, now);
        dates.set(days, date);
      }
      return date;
    },
  };
}

/** A compiled rule: draws from `random` (seeded), reads earlier fields, dates from `day`. */
export type Rule = (random: () => number, scope: Scope, day: BookDay) => unknown;

const RULE_WORDS: Record<string, readonly string[]> = {
  between: ['pad'],
  pick: ['weights'],
  chance: ['then', 'else'],
  personName: [],
  ref: [],
  template: [],
  sum: [],
  percentOf: ['percent'],
  lookup: ['table', 'default'],
  daysFromToday: [],
  today: [],
};

const isInt = (value: unknown): value is number => Number.isSafeInteger(value);

/** A number a rule produced, or an Error naming the rule's field. */
function numberAt(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${path}: needs a number, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The Indian financial year (April-March) of an Indian date, e.g. "2026-27". */
export function financialYearOf(date: string): string {
  const year = Number(date.slice(0, 4));
  const start = Number(date.slice(5, 7)) >= 4 ? year : year - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/** The half of the Indian financial year: H1 April-September, H2 October-March. */
export function halfYearOf(date: string): 'H1' | 'H2' {
  const month = Number(date.slice(5, 7));
  return month >= 4 && month <= 9 ? 'H1' : 'H2';
}

/**
 * Compiles one rule at `path` (for problems), where `known` holds the fields it may read.
 * Problems are added to `problems`; the rule returned for a broken node answers undefined.
 */
export function compileRule(node: unknown, path: string, known: ReadonlySet<string>, problems: Problems): Rule {
  if (node === null || ['string', 'number', 'boolean'].includes(typeof node)) return () => node;
  if (typeof node !== 'object' || Array.isArray(node)) {
    problems.add(path, 'a rule is a constant or an object with one rule word');
    return () => undefined;
  }
  const fields = node as Record<string, unknown>;
  const words = Object.keys(fields).filter((key) => key in RULE_WORDS);
  if (words.length !== 1) {
    problems.add(path, `a rule has exactly one of ${Object.keys(RULE_WORDS).join(', ')}`);
    return () => undefined;
  }
  const word = words[0] as string;
  const extra = Object.keys(fields).filter((key) => key !== word && !RULE_WORDS[word]?.includes(key));
  if (extra.length > 0) {
    problems.add(`${path}.${extra[0]}`, `not a field of a ${word} rule`);
    return () => undefined;
  }
  const sub = (key: string, value: unknown) => compileRule(value, `${path}.${key}`, known, problems);
  const at = `${path}.${word}`;
  const value = fields[word];
  const fail = (message: string, where = at): Rule => {
    problems.add(where, message);
    return () => undefined;
  };

  switch (word) {
    case 'between': {
      const [min, max] = Array.isArray(value) ? value : [];
      if (!Array.isArray(value) || value.length !== 2 || !isInt(min) || !isInt(max) || min > max) {
        return fail('[min, max], whole numbers with min <= max');
      }
      const pad = fields.pad;
      if (pad !== undefined && (!isInt(pad) || pad < 1 || pad > 20)) return fail('1 to 20 digits', `${path}.pad`);
      return (random) => {
        const drawn = min + Math.floor(random() * (max - min + 1));
        return pad === undefined ? drawn : String(drawn).padStart(pad as number, '0');
      };
    }
    case 'pick': {
      if (!Array.isArray(value) || value.length === 0) return fail('a list of values');
      const weights = fields.weights;
      if (weights === undefined) return (random) => value[Math.floor(random() * value.length)];
      if (
        !Array.isArray(weights) ||
        weights.length !== value.length ||
        !weights.every((w) => typeof w === 'number' && w > 0)
      ) {
        return fail('one positive number per value', `${path}.weights`);
      }
      const total = (weights as number[]).reduce((a, b) => a + b, 0);
      return (random) => {
        let left = random() * total;
        for (const [i, weight] of (weights as number[]).entries()) {
          left -= weight;
          if (left < 0) return value[i];
        }
        return value[value.length - 1];
      };
    }
    case 'chance': {
      if (typeof value !== 'number' || value < 0 || value > 1) return fail('a probability from 0 to 1');
      const then = sub('then', fields.then ?? true);
      const otherwise = sub('else', fields.else ?? false);
      return (random, scope, day) => (random() < value ? then(random, scope, day) : otherwise(random, scope, day));
    }
    case 'personName':
      return value === true ? (random) => personName(random) : fail('true');
    case 'ref': {
      if (typeof value !== 'string' || !known.has(value)) return fail(`not an earlier field: ${String(value)}`);
      return (_random, scope) => scope[value];
    }
    case 'template': {
      if (typeof value !== 'string') return fail('text with {field} placeholders');
      const names = [...value.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] as string);
      const unknown = names.find((name) => !known.has(name));
      if (unknown !== undefined) return fail(`{${unknown}} is not an earlier field`);
      return (_random, scope) => value.replace(/\{([^}]*)\}/g, (_m, name: string) => String(scope[name] ?? ''));
    }
    case 'sum': {
      if (!Array.isArray(value) || value.length === 0) return fail('a list of rules');
      const parts = value.map((part, i) => compileRule(part, `${at}[${i}]`, known, problems));
      return (random, scope, day) =>
        parts.reduce((total, part, i) => total + numberAt(`${at}[${i}]`, part(random, scope, day)), 0);
    }
    case 'percentOf': {
      if (fields.percent === undefined) return fail('percentOf needs percent', `${path}.percent`);
      const base = sub('percentOf', value);
      const percent = sub('percent', fields.percent);
      return (random, scope, day) => {
        const amount = numberAt(at, base(random, scope, day));
        const rate = numberAt(`${path}.percent`, percent(random, scope, day));
        // Half up, to whole paise: amounts on the books are always integers.
        return Math.round((amount * rate) / 100);
      };
    }
    case 'lookup': {
      const table = fields.table;
      if (!table || typeof table !== 'object' || Array.isArray(table)) return fail('an object', `${path}.table`);
      const key = sub('lookup', value);
      const entries = new Map(
        Object.entries(table).map(([k, rule]) => [k, compileRule(rule, `${path}.table.${k}`, known, problems)]),
      );
      const fallback = fields.default === undefined ? undefined : sub('default', fields.default);
      return (random, scope, day) => {
        const found = String(key(random, scope, day));
        const rule = entries.get(found) ?? fallback;
        if (!rule) throw new Error(`${path}.table: no entry for ${found} and no default`);
        return rule(random, scope, day);
      };
    }
    case 'daysFromToday': {
      const days = sub('daysFromToday', value);
      return (random, scope, day) => {
        const count = numberAt(at, days(random, scope, day));
        if (!Number.isInteger(count)) throw new Error(`${at}: needs a whole number of days, got ${count}`);
        return day.daysFrom(count);
      };
    }
    case 'today': {
      const formats: Record<string, (date: string) => string> = {
        date: (date) => date,
        financialYear: financialYearOf,
        halfYear: halfYearOf,
      };
      const format = typeof value === 'string' ? formats[value] : undefined;
      if (!format) return fail(`one of ${Object.keys(formats).join(', ')}`);
      return (_random, _scope, day) => format(day.today);
    }
  }
  return fail('unknown rule');
}
