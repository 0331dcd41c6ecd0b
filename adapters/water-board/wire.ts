import { z } from 'zod';

/**
 * The water board's own API: form-encoded POSTs signed with HMAC, JSON answers that carry a
 * `resultCode` ("0" is success). The board answers most errors with HTTP 200 and a code.
 */

/** Result codes the board documents. */
export const RESULT = {
  ok: '0',
  connectionNotFound: 'E104',
  disconnected: 'E210',
  amountMismatch: 'E211',
  signatureInvalid: 'E401',
  txnNotFound: 'E404',
  busy: 'E999',
} as const;

/** Form fields of each call, before `ts` and `sig` are added (types, so they fit a string record). */
export type BillFetchFields = {
  agencyCode: string;
  connectionId: string;
};

export type PaymentFields = {
  agencyCode: string;
  connectionId: string;
  demandNo: string;
  /** Integer paise as decimal digits. */
  amountPaise: string;
  /** The hub's reference: the board deduplicates on it. */
  agencyTxnId: string;
};

export type TxnStatusFields = {
  agencyCode: string;
  agencyTxnId: string;
};

/** What every answer carries, success or not. Some boards send the code as a number. */
export const resultSchema = z.object({
  resultCode: z.union([z.string(), z.number()]).transform(String),
  resultText: z.string().optional(),
});

const paise = z.number().int();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const billFetchSchema = z.object({
  connection: z.object({
    id: z.string().min(1),
    ownerName: z.string(),
    ward: z.union([z.string(), z.number()]).optional(),
    meterNo: z.string().optional(),
  }),
  demand: z.object({
    demandNo: z.string().min(1),
    issueDate: isoDate,
    dueDate: isoDate,
    fromDate: isoDate.optional(),
    toDate: isoDate.optional(),
    previousReading: z.number().optional(),
    currentReading: z.number().optional(),
    kilolitres: z.number().optional(),
    waterCharge: paise,
    sewerageCharge: paise,
    meterRent: paise,
    arrears: paise,
    netAmount: paise,
    rebateIfPaidBy: isoDate.nullish(),
    rebateAmount: paise.nullish(),
  }),
});
export type BillFetchAnswer = z.infer<typeof billFetchSchema>;

export const paymentSchema = z.object({
  boardTxnId: z.string().min(1),
  agencyTxnId: z.string().optional(),
  /** S settled, P pending; anything else is read as pending. */
  txnStatus: z.string().optional(),
});
export type PaymentAnswer = z.infer<typeof paymentSchema>;

export const txnStatusSchema = z.object({
  boardTxnId: z.string().min(1).optional(),
  /** S settled, P pending, F failed, R reversed. */
  txnStatus: z.string().optional(),
});
export type TxnStatusAnswer = z.infer<typeof txnStatusSchema>;

/** A non-"0" result code with the board's text. */
export interface BoardFailure {
  code: string;
  text: string;
}

export type BoardAnswer<T> = { ok: true; value: T } | { ok: false; failure: BoardFailure };
