/** The demand the receipt tests pay: City Community Halls' hall booking (3 × ₹1,180). */
export const HALL_REF = 'DM-XBEEJ-NADMF-G';

/**
 * The settled checkout line paying instalment 1 of HALL_REF: ₹1,130 (₹1,180 less a ₹50 early
 * discount) to the generic payment-demands biller, the reference masked as the consumer, posted
 * as HUB00000000000000000001. The fields a payment line and a receipt line have in common.
 */
export const firstInstalmentLine = () => ({
  billerId: 'payment-demands',
  consumerMasked: '************MF-G',
  billNumber: `${HALL_REF}/1`,
  amountMinor: 113_000,
  reference: 'HUB00000000000000000001',
  billerReference: `${HALL_REF}/1`,
  status: 'settled',
});
