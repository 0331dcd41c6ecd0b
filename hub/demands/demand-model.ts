import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';
import { CURRENCIES, type Currency, nonNegativeMinor, positiveMinor } from '../payments/money.js';
import { isCalendarDay } from './calendar-day.js';
import { BATCH_ID_PATTERN, DEMAND_ID_PATTERN } from './demand-ids.js';
import {
  type AuditEntry,
  type Charge,
  DEMAND_STATUSES,
  type DemandLine,
  type DemandPayment,
  type DemandStatus,
  type EarlyDiscount,
  INSTALMENT_STATUSES,
  type Instalment,
  type LateFeeRule,
  type Payer,
  TAX_NAMES,
  type TaxComponent,
} from './demand-types.js';
import { REFERENCE_NUMBER_PATTERN } from './reference-number.js';

/**
 * A payment demand as stored (collection `demands`). Never deleted: a cancelled demand stays, with
 * its audit trail. Every change is one conditional update on this document, guarded by `version`
 * (and the status), see demand-store.ts. Money in paise, days as Indian 'YYYY-MM-DD'.
 */
export interface Demand {
  /** DMD + 20 characters: internal. */
  _id: string;
  /** DM-XXXXX-XXXXX-C: what the payer sees and types (see reference-number.ts); unique. */
  reference: string;
  providerId: string;
  /** The provider's display name when raised (the idp's client_name): how payers' messages name it. */
  providerName?: string;
  payer: Payer;
  title: string;
  currency: Currency;
  lines: DemandLine[];
  /** Sum of the line totals; equals the sum of the instalment amounts. */
  totalMinor: number;
  /** The last instalment's due date. */
  dueDate: string;
  /** At least one, numbered from 1 in due-date order. */
  instalments: Instalment[];
  lateFee?: LateFeeRule;
  earlyDiscount?: EarlyDiscount;
  status: DemandStatus;
  /** Paid in all (sum of the instalments' paidMinor): late fees included, discounts off. */
  paidMinor: number;
  /** Payments recorded, one entry per payment id (a payment is counted once). */
  payments: DemandPayment[];
  /** Append-only: created, amended, cancelled. */
  audit: AuditEntry[];
  /** Bumped by every change: the guard of every conditional update. */
  version: number;
  /** false while its upload batch is not yet committed: not shown, not payable (see demand-upload.ts). */
  live: boolean;
  batchId?: string;
  /** The spreadsheet row (the header is row 1) it came from. */
  batchRow?: number;
  /** The hash of an idempotent create's request: the same key with another body is a conflict. */
  requestHash?: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export type DemandModel = Model<Demand>;

const day = {
  type: String,
  required: true,
  validate: { validator: isCalendarDay, message: '{PATH} must be YYYY-MM-DD' },
};
const paise = { type: Number, required: true, cast: false, validate: nonNegativeMinor };
const positivePaise = { type: Number, required: true, cast: false, validate: positiveMinor };

const isCharge = (c: Charge | undefined): boolean =>
  c?.kind === 'flat'
    ? Number.isSafeInteger(c.amountMinor) && c.amountMinor > 0
    : c?.kind === 'percent' && Number.isInteger(c.basisPoints) && c.basisPoints > 0 && c.basisPoints <= 10_000;
const charge = {
  type: Schema.Types.Mixed,
  required: true,
  validate: { validator: isCharge, message: '{PATH} is not a charge' },
};

const taxSchema = new Schema<TaxComponent>(
  { name: { type: String, enum: TAX_NAMES, required: true }, amountMinor: paise },
  { _id: false },
);
const lineSchema = new Schema<DemandLine>(
  {
    description: { type: String, required: true },
    amountMinor: positivePaise,
    taxMinor: paise,
    taxes: { type: [taxSchema], default: [] },
    totalMinor: positivePaise,
  },
  { _id: false },
);
const instalmentSchema = new Schema<Instalment>(
  {
    number: { type: Number, required: true, min: 1 },
    dueDate: day,
    amountMinor: positivePaise,
    status: { type: String, enum: INSTALMENT_STATUSES, required: true, default: 'open' },
    paidMinor: { ...paise, default: 0 },
    lateFeeMinor: { type: Number, cast: false, validate: nonNegativeMinor },
    discountMinor: { type: Number, cast: false, validate: nonNegativeMinor },
    paymentId: String,
    paidOn: String,
  },
  { _id: false },
);
const paymentSchema = new Schema<DemandPayment>(
  {
    paymentId: { type: String, required: true },
    instalments: { type: [Number], required: true },
    amountMinor: positivePaise,
    day,
    at: { type: Date, required: true },
  },
  { _id: false },
);
const auditSchema = new Schema<AuditEntry>(
  {
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    actorLabel: String,
    action: { type: String, enum: ['created', 'amended', 'cancelled'], required: true },
    reason: String,
    changes: {
      type: [new Schema({ path: String, before: Schema.Types.Mixed, after: Schema.Types.Mixed }, { _id: false })],
      default: [],
    },
  },
  { _id: false },
);

const demandSchema = new Schema<Demand>(
  {
    _id: { type: String, required: true, match: DEMAND_ID_PATTERN },
    reference: { type: String, required: true, match: REFERENCE_NUMBER_PATTERN },
    providerId: { type: String, required: true },
    providerName: String,
    payer: {
      type: new Schema<Payer>({ phone: String, email: String }, { _id: false }),
      required: true,
      validate: {
        validator: (p: Payer) => Boolean(p?.phone || p?.email),
        message: 'a payer needs a phone or an email',
      },
    },
    title: { type: String, required: true },
    currency: { type: String, enum: CURRENCIES, required: true, default: 'INR' },
    lines: {
      type: [lineSchema],
      validate: { validator: (l: unknown[]) => l.length > 0, message: 'a demand needs a line' },
    },
    totalMinor: positivePaise,
    dueDate: day,
    instalments: {
      type: [instalmentSchema],
      validate: { validator: (l: unknown[]) => l.length > 0, message: 'a demand needs an instalment' },
    },
    lateFee: new Schema<LateFeeRule>(
      { charge, periodDays: { type: Number, required: true, min: 1 }, capMinor: positivePaise },
      { _id: false },
    ),
    earlyDiscount: new Schema<EarlyDiscount>({ off: charge, until: day }, { _id: false }),
    status: { type: String, enum: DEMAND_STATUSES, required: true, default: 'open' },
    paidMinor: { ...paise, default: 0 },
    payments: { type: [paymentSchema], default: [] },
    audit: { type: [auditSchema], default: [] },
    version: { type: Number, required: true, default: 0, min: 0 },
    live: { type: Boolean, required: true },
    batchId: { type: String, match: BATCH_ID_PATTERN },
    batchRow: Number,
    requestHash: String,
    createdBy: { type: String, required: true },
  },
  { timestamps: true, collection: 'demands' },
);

// Derived totals are stored for queries; a document whose parts do not add up is refused.
demandSchema.pre('validate', function () {
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  if (sum(this.lines.map((l) => l.totalMinor)) !== this.totalMinor) {
    this.invalidate('totalMinor', 'totalMinor must equal the sum of the line totals');
  }
  if (sum(this.instalments.map((i) => i.amountMinor)) !== this.totalMinor) {
    this.invalidate('instalments', 'the instalments must add up to totalMinor');
  }
});

demandSchema.index({ reference: 1 }, { unique: true });
demandSchema.index({ providerId: 1, status: 1, dueDate: 1 });
demandSchema.index({ providerId: 1, createdAt: -1 });
demandSchema.index({ 'payer.phone': 1, status: 1 });
demandSchema.index({ 'payer.email': 1, status: 1 });
demandSchema.index({ batchId: 1, batchRow: 1 });
// Not unique: a unique multikey index would also collide on demands with no payments yet.
demandSchema.index({ 'payments.paymentId': 1 });

export function demandModel(conn: Connection): DemandModel {
  return (conn.models.Demand as DemandModel | undefined) ?? conn.model<Demand>('Demand', demandSchema);
}
