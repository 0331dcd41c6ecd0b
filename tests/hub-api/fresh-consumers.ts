import { generateConsumers } from '../../adapters/electricity-discom/sandbox/data.js';
import { buildAccounts } from '../../adapters/piped-gas/sandbox/data.js';

/** The piped-gas sandbox's default seed (its app does not export it). */
const GAS_SEED = 4103;

/**
 * Consumers of the sandboxes' seeded books that no fixture uses, one per call: a bill is paid
 * once (a second checkout for it is refused or supersedes the first), so each test pays its own.
 */
export function freshConsumers() {
  const electricity = [...generateConsumers().values()]
    .filter((c) => c.status === 'ACTIVE' && !c.number.startsWith('1'))
    .map((c) => c.number);
  const gas = [...buildAccounts(GAS_SEED).values()]
    .filter((a) => !a.blocked && !['5001234567', '5000000007'].includes(a.bpNo))
    .map((a) => a.bpNo);
  let next = 0;
  return () => {
    const i = next++;
    const consumerNumber = electricity[i];
    const bpNumber = gas[i];
    if (!consumerNumber || !bpNumber) throw new Error('out of sandbox consumers');
    return { electricity: { consumerNumber }, gas: { bpNumber } };
  };
}

/** What is payable today on a bill: its early or late amount while that applies (dates in IST). */
export function payableToday(bill: {
  amountDueMinor: number;
  earlyPayment?: { until: string; amountMinor: number };
  latePayment?: { from: string; amountMinor: number };
}): number {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(new Date());
  if (bill.earlyPayment && today <= bill.earlyPayment.until) return bill.earlyPayment.amountMinor;
  if (bill.latePayment && today >= bill.latePayment.from) return bill.latePayment.amountMinor;
  return bill.amountDueMinor;
}
