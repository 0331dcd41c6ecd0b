import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';
import {
  DEFAULT_RULES,
  RISK_RULE_IDS,
  type RiskRule,
  type RiskRuleId,
  type RiskRules,
  RULE_PARAMS,
} from './risk-rules.js';

/** One tuned rule as stored (collection `risk_rules`, one document per rule id); untouched rules have none. */
interface StoredRule {
  _id: RiskRuleId;
  enabled: boolean;
  action: 'flag' | 'review';
  params: Record<string, number>;
  updatedAt: Date;
  updatedBy: string;
}

const storedRuleSchema = new Schema<StoredRule>(
  {
    _id: { type: String, required: true, enum: RISK_RULE_IDS },
    enabled: { type: Boolean, required: true },
    action: { type: String, required: true, enum: ['flag', 'review'] },
    params: { type: Schema.Types.Mixed, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { collection: 'risk_rules', versionKey: false },
);

type StoredRuleModel = Model<StoredRule>;

function storedRuleModel(conn: Connection): StoredRuleModel {
  return (conn.models.RiskRule as StoredRuleModel | undefined) ?? conn.model<StoredRule>('RiskRule', storedRuleSchema);
}

/** A stored rule over its default; stored parameters that no longer pass the rule's limits fall back to the default's. */
function merge<K extends RiskRuleId>(fallback: RiskRule<K>, stored: StoredRule | undefined): RiskRule<K> {
  if (!stored) return fallback;
  const params = RULE_PARAMS[fallback.id].safeParse({ ...fallback.params, ...stored.params });
  return {
    id: fallback.id,
    enabled: stored.enabled,
    action: stored.action,
    params: params.success ? (params.data as RiskRule<K>['params']) : fallback.params,
  };
}

/**
 * How long a process keeps the rules it read before reading them again. A change (the operator's
 * audited PUT, `save`) clears the copy of every store on the same connection at once, so the
 * process that took the PUT applies it to its next checkout; other hub processes apply it within
 * this time.
 */
export const RULES_CACHE_MS = 5_000;

/** The rules last read on a connection, shared by every store on it (a PUT clears it for all). */
const cached = new WeakMap<Connection, { rules: Promise<RiskRules>; readAt: number }>();

/**
 * The rules as they apply now: the defaults in code (risk-rules.ts) with an operator's changes
 * over them. Read at most once per RULES_CACHE_MS per process (not on every checkout); a change
 * saved here applies to this process's next checkout, and to other processes' within that time.
 */
export class RiskRuleStore {
  private readonly model: StoredRuleModel;

  constructor(
    private readonly conn: Connection,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.model = storedRuleModel(conn);
  }

  /** Every rule, defaults filled in (a copy at most RULES_CACHE_MS old). */
  async all(): Promise<RiskRules> {
    const hit = cached.get(this.conn);
    if (hit && this.now() - hit.readAt < RULES_CACHE_MS) return hit.rules;
    const entry = { rules: this.read(), readAt: this.now() };
    cached.set(this.conn, entry);
    // A failed read is not kept: the next call asks again.
    entry.rules.catch(() => {
      if (cached.get(this.conn) === entry) cached.delete(this.conn);
    });
    return entry.rules;
  }

  /**
   * Every rule as stored now, read past the cached copy (which it then replaces): what an operator
   * is shown and changes. Several hub processes each keep a copy, so a change saved by another
   * process may not be in this one's yet; a PUT merged onto that copy would put back what the
   * other process just saved, and audit the wrong `before`.
   */
  async current(): Promise<RiskRules> {
    const rules = await this.read();
    cached.set(this.conn, { rules: Promise.resolve(rules), readAt: this.now() });
    return rules;
  }

  private async read(): Promise<RiskRules> {
    const stored = await this.model.find({}).lean<StoredRule[]>().exec();
    const byId = new Map(stored.map((rule) => [rule._id, rule]));
    const rules = {} as Record<RiskRuleId, RiskRule>;
    for (const id of RISK_RULE_IDS) rules[id] = merge(DEFAULT_RULES[id] as RiskRule, byId.get(id));
    return rules as RiskRules;
  }

  /** Stores a rule as it now applies (already validated by applyChange), with who changed it. */
  async save(rule: RiskRule, by: string): Promise<void> {
    await this.model
      .updateOne(
        { _id: rule.id },
        {
          $set: {
            enabled: rule.enabled,
            action: rule.action,
            params: rule.params,
            updatedAt: new Date(),
            updatedBy: by,
          },
        },
        { upsert: true },
      )
      .exec();
    cached.delete(this.conn);
  }
}
