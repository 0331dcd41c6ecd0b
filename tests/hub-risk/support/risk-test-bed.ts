import { PaymentStore } from '../../../hub/payments/payment-store.js';
import { RiskCheck } from '../../../hub/risk/risk-check.js';
import { RiskRuleStore } from '../../../hub/risk/risk-rule-store.js';
import { isolatedMongo } from '../../support/isolation.js';

export interface RiskTestBed {
  /** The database of its own (`db.drop()` drops it and closes the connection). */
  db: Awaited<ReturnType<typeof isolatedMongo>>;
  payments: PaymentStore;
  rules: RiskRuleStore;
  risk: RiskCheck;
}

/**
 * Starts a payment store (indexes built), a risk rule store and the checkout's risk check over
 * them, on a database of their own named after `label`; returns the four.
 */
export async function riskTestBed(label: string): Promise<RiskTestBed> {
  const db = await isolatedMongo(label);
  const payments = new PaymentStore(db.conn);
  await payments.init();
  const rules = new RiskRuleStore(db.conn);
  return { db, payments, rules, risk: new RiskCheck(payments.model, rules) };
}
