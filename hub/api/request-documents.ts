import { z } from 'zod';
import { checkoutBody } from '../checkout/checkout-request.js';

const line = checkoutBody.shape.lines.element.shape;

/**
 * The checkout body as the OpenAPI document shows it (RouteSpec.bodyDocument): each line in one
 * of its three forms, which checkoutBody's refinement enforces but JSON Schema cannot read from
 * it. Built from checkoutBody's own fields, so the two cannot drift apart.
 */
export const checkoutBodyDocument = z.strictObject({
  lines: z
    .array(
      z.union([
        z
          .strictObject({
            billerId: line.billerId.unwrap(),
            consumer: line.consumer.unwrap(),
            billNumber: line.billNumber.unwrap(),
            amountMinor: line.amountMinor,
          })
          .meta({ title: 'A bill of a consumer of a biller' }),
        z
          .strictObject({
            accountId: line.accountId.unwrap(),
            billNumber: line.billNumber.unwrap(),
            amountMinor: line.amountMinor,
          })
          .meta({ title: 'A bill of a saved account, by its number' }),
        z
          .strictObject({
            accountId: line.accountId.unwrap(),
            billRef: line.billRef.unwrap(),
            amountMinor: line.amountMinor,
          })
          .meta({ title: 'A bill of a saved account, by the billRef /dues gives' }),
      ]),
    )
    .min(1)
    .max(10)
    // uniqueItems says part of it: two lines for the same bill, whatever their amounts, are a 422.
    .meta({ description: 'one line per bill; the same bill twice is a 422 duplicate_bill', uniqueItems: true }),
});
