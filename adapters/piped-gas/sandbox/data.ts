import { checkedConsumerCount, DEFAULT_SANDBOX_CONSUMERS } from '../../sandboxes/shared/population.js';
import { daysFromToday, personName, seededRandom } from '../../sandboxes/shared/seeded.js';

/** Money as the company writes it: value / 10^scale rupees. The sandbox always uses scale 2 (paise). */
export interface GasAmount {
  value: number;
  scale: number;
}

export interface GasCharge {
  code: string;
  desc: string;
  amt: GasAmount;
}

export interface GasInvoice {
  invoiceId: string;
  invoiceDt: string;
  payBy: string;
  billingPeriod: { start: string; end: string };
  scmConsumed: string;
  charges: GasCharge[];
  totalPayable: GasAmount;
}

export interface GasAccount {
  bpNo: string;
  holder: { firstName: string; lastName: string };
  /** The company refuses every collection for this BP with BP_BLOCKED. */
  blocked: boolean;
  invoice: GasInvoice;
}

/** Accounts when no count is given (see shared/population.ts). */
export const BP_COUNT = DEFAULT_SANDBOX_CONSUMERS;
const KNOWN_BP = '5001234567';
const BLOCKED_BP = '5000000007';
/** Random BPs are drawn from 5100000000-5899999999, so the pinned and the unknown numbers never collide. */
const UNKNOWN_BP = '5999999999';

/** Consumers the contract suite relies on; the same whatever the seed. */
export const FIXTURES = {
  known: { bpNumber: KNOWN_BP },
  unknown: { bpNumber: UNKNOWN_BP },
  // Ten digits, but a BP number starts with 5.
  malformed: { bpNumber: '4001234567' },
  rejecting: { bpNumber: BLOCKED_BP },
};

const RATE_PAISE_PER_SCM = 4_850;
const VAT_PERCENT = 5;
const METER_RENT_PAISE = 2_000;

const paise = (value: number): GasAmount => ({ value, scale: 2 });

/** Thousandths of a standard cubic metre as the company prints them, e.g. 23400 -> "23.400". */
function scm(milli: number): string {
  return `${Math.floor(milli / 1_000)}.${String(milli % 1_000).padStart(3, '0')}`;
}

function invoiceFor(random: () => number, index: number): GasInvoice {
  // Billed 2-11 days ago for the 30 days before, payable 14 days after billing: always current.
  const lag = 2 + Math.floor(random() * 10);
  const scmMilli = 5_000 + Math.floor(random() * 55_000);
  const gas = Math.round((scmMilli * RATE_PAISE_PER_SCM) / 1_000);
  const charges: GasCharge[] = [
    { code: 'GAS', desc: 'Gas charges', amt: paise(gas) },
    { code: 'VAT', desc: `VAT @ ${VAT_PERCENT}%`, amt: paise(Math.round((gas * VAT_PERCENT) / 100)) },
    { code: 'MTR', desc: 'Meter rent', amt: paise(METER_RENT_PAISE) },
  ];
  if (random() < 0.15) {
    charges.push({ code: 'ARR', desc: 'Arrears', amt: paise(10_000 + Math.floor(random() * 150_000)) });
  }
  return {
    invoiceId: `MGI${String(index).padStart(4, '0')}${String(Math.floor(random() * 1e6)).padStart(6, '0')}`,
    invoiceDt: daysFromToday(1 - lag),
    payBy: daysFromToday(15 - lag),
    billingPeriod: { start: daysFromToday(-lag - 29), end: daysFromToday(-lag) },
    scmConsumed: scm(scmMilli),
    charges,
    totalPayable: paise(charges.reduce((sum, charge) => sum + charge.amt.value, 0)),
  };
}

/**
 * `count` deterministic accounts for a seed (checked as shared/population.ts says; throws
 * RangeError), by BP number, with invoices dated around today; a larger count gives the same
 * first accounts followed by more.
 */
export function buildAccounts(seed: number, count = BP_COUNT): Map<string, GasAccount> {
  checkedConsumerCount(count);
  const random = seededRandom(seed);
  const accounts = new Map<string, GasAccount>();
  for (let index = 0; accounts.size < count; index++) {
    const bpNo =
      index === 0 ? KNOWN_BP : index === 1 ? BLOCKED_BP : `5${100_000_000 + Math.floor(random() * 800_000_000)}`;
    if (accounts.has(bpNo)) continue;
    const [firstName = '', lastName = ''] = personName(random).split(' ');
    accounts.set(bpNo, {
      bpNo,
      holder: { firstName, lastName },
      blocked: index === 1 || (index > 1 && random() < 0.03),
      invoice: invoiceFor(random, index),
    });
  }
  return accounts;
}
