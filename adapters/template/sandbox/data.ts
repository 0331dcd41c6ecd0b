import { checkedConsumerCount, DEFAULT_SANDBOX_CONSUMERS } from '../../sandboxes/shared/population.js';
import { daysFromToday, personName, seededRandom } from '../../sandboxes/shared/seeded.js';
import type { ContractFixtures } from '../../sdk/testkit/index.js';

/** One account on the sandbox's books with its current bill (amounts in paise). */
export interface SandboxAccount {
  accountNo: string;
  name: string;
  /** A closed account: the biller refuses payments for it. */
  closed: boolean;
  bill: { billNo: string; billDate: string; dueDate: string; lines: { label: string; amountPaise: number }[] };
}

const FIRST_ACCOUNT = 10_000_001;

/** Accounts the contract kit and the harnesses use; the same on every run. */
export const FIXTURES: ContractFixtures = {
  known: { accountNo: String(FIRST_ACCOUNT) },
  unknown: { accountNo: '99999999' },
  malformed: { accountNo: '12' },
  rejecting: { accountNo: String(FIRST_ACCOUNT + 1) },
};

/** `count` seeded accounts (default 200, bounds in shared/population.ts); the second one is closed. */
export function createAccounts(seed = 1, count = DEFAULT_SANDBOX_CONSUMERS): Map<string, SandboxAccount> {
  const random = seededRandom(seed);
  const accounts = new Map<string, SandboxAccount>();
  for (let i = 0; i < checkedConsumerCount(count); i++) {
    const accountNo = String(FIRST_ACCOUNT + i);
    const charge = 20_000 + Math.floor(random() * 300_000);
    accounts.set(accountNo, {
      accountNo,
      name: personName(random),
      closed: accountNo === FIXTURES.rejecting.accountNo,
      bill: {
        billNo: `TB${accountNo}`,
        billDate: daysFromToday(-5),
        dueDate: daysFromToday(10),
        lines: [
          { label: 'Charges for the period', amountPaise: charge },
          { label: 'Tax', amountPaise: Math.round(charge * 0.05) },
        ],
      },
    });
  }
  return accounts;
}
