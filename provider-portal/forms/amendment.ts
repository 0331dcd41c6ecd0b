import { isDeepStrictEqual } from 'node:util';
import type { DemandJson } from '../api/types.js';
import type { DemandBody } from './demand-form.js';

/**
 * The amendment (PATCH /demands/{reference}) that turns `demand` into the form's `body`: only the
 * fields that differ, with null for a rule or plan the form no longer has (the hub records each
 * change in the audit trail, and refuses an amendment that changes nothing).
 */
export function amendmentOf(demand: DemandJson, body: DemandBody): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  const differs = (a: unknown, b: unknown) => !isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)), b ?? null);
  const payer = {
    ...(demand.payer.phone ? { phone: demand.payer.phone } : {}),
    ...(demand.payer.email ? { email: demand.payer.email } : {}),
  };
  if (differs(body.payer, payer)) changes.payer = body.payer;
  if (body.title !== demand.title) changes.title = body.title;
  if (body.dueDate !== demand.dueDate) changes.dueDate = body.dueDate;
  const lines = demand.lines.map(({ description, amountMinor, taxMinor, taxes }) => ({
    description,
    amountMinor,
    taxMinor,
    taxes: taxes.map(({ name, amountMinor: tax }) => ({ name, amountMinor: tax })),
  }));
  if (differs(body.lines, lines)) changes.lines = body.lines;
  const plan =
    demand.instalments.length > 1
      ? demand.instalments.map(({ dueDate, amountMinor }) => ({ dueDate, amountMinor }))
      : null;
  if (differs(body.instalments ?? null, plan)) changes.instalments = body.instalments ?? null;
  if (differs(body.lateFee ?? null, demand.lateFee ?? null)) changes.lateFee = body.lateFee ?? null;
  if (differs(body.earlyDiscount ?? null, demand.earlyDiscount ?? null))
    changes.earlyDiscount = body.earlyDiscount ?? null;
  return changes;
}
