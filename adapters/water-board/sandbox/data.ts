import { checkedConsumerCount, DEFAULT_SANDBOX_CONSUMERS } from '../../sandboxes/shared/population.js';
import { daysFromToday, personName, seededRandom } from '../../sandboxes/shared/seeded.js';
import type { ContractFixtures } from '../../sdk/testkit/index.js';

/** One bimonthly demand as the board keeps it; money in integer paise, dates YYYY-MM-DD. */
export interface SandboxDemand {
  demandNo: string;
  issueDate: string;
  dueDate: string;
  fromDate: string;
  toDate: string;
  previousReading: number;
  currentReading: number;
  kilolitres: number;
  waterCharge: number;
  sewerageCharge: number;
  meterRent: number;
  arrears: number;
  netAmount: number;
  rebateIfPaidBy: string;
  rebateAmount: number;
}

export interface SandboxConnection {
  id: string;
  ownerName: string;
  ward: string;
  meterNo: string;
  /** The board refuses payments for a disconnected connection (E210). */
  disconnected: boolean;
  demand: SandboxDemand;
}

export const DEFAULT_SEED = 4102;
const METER_RENT = 3_000;

/** Pinned so the fixtures hold whatever the seed; wards 01-40 are generated, so W99 never exists. */
export const FIXTURES = {
  known: { connectionId: 'W12-004512' },
  unknown: { connectionId: 'W99-000001' },
  malformed: { connectionId: 'W12-4512' },
  rejecting: { connectionId: 'W07-000313' },
} satisfies ContractFixtures;

/** Slab tariff per kilolitre: 0-10 kL at Rs 7, 11-25 kL at Rs 15, beyond at Rs 25. */
function waterCharge(kilolitres: number): number {
  const slab = (from: number, to: number) => Math.max(0, Math.min(kilolitres, to) - from);
  return slab(0, 10) * 700 + slab(10, 25) * 1_500 + slab(25, Number.POSITIVE_INFINITY) * 2_500;
}

interface DemandShape {
  /** Days since the bill was issued: up to 6 keeps the rebate date (issue + 7) ahead. */
  issuedDaysAgo: number;
  kilolitres: number;
  arrears: number;
}

function demandFor(serial: number, random: () => number, shape: DemandShape): SandboxDemand {
  const issued = -shape.issuedDaysAgo;
  const previousReading = Math.floor(random() * 5_000);
  const water = waterCharge(shape.kilolitres);
  // Sewerage is 30% of the water charge, in whole paise.
  const sewerage = Math.round((water * 3) / 10);
  // A 2% prompt-payment rebate in whole rupees, only on a demand without arrears.
  const rebate = shape.arrears === 0 ? Math.floor(((water + sewerage) * 2) / 10_000) * 100 : 0;
  return {
    demandNo: `WD${String(serial).padStart(6, '0')}${String(Math.floor(random() * 100)).padStart(2, '0')}`,
    issueDate: daysFromToday(issued),
    dueDate: daysFromToday(issued + 21),
    fromDate: daysFromToday(issued - 61),
    toDate: daysFromToday(issued - 1),
    previousReading,
    currentReading: previousReading + shape.kilolitres,
    kilolitres: shape.kilolitres,
    waterCharge: water,
    sewerageCharge: sewerage,
    meterRent: METER_RENT,
    arrears: shape.arrears,
    netAmount: water + sewerage + METER_RENT + shape.arrears,
    rebateIfPaidBy: daysFromToday(issued + 7),
    rebateAmount: rebate,
  };
}

function connection(id: string, random: () => number, disconnected: boolean, shape: DemandShape): SandboxConnection {
  const serial = Number(id.slice(4));
  return {
    id,
    ownerName: personName(random),
    ward: id.slice(1, 3),
    meterNo: `MTR${String(Math.floor(random() * 1e8)).padStart(8, '0')}`,
    disconnected,
    demand: demandFor(serial, random, shape),
  };
}

/**
 * `count` connections (checked as shared/population.ts says; throws RangeError), the same for the
 * same seed, a larger count the same first ones followed by more; dates are relative to today so
 * bills stay current.
 */
export function createConnections(
  seed = DEFAULT_SEED,
  count = DEFAULT_SANDBOX_CONSUMERS,
): Map<string, SandboxConnection> {
  checkedConsumerCount(count);
  const random = seededRandom(seed);
  const byId = new Map<string, SandboxConnection>();
  const add = (c: SandboxConnection) => byId.set(c.id, c);
  add(connection(FIXTURES.known.connectionId, random, false, { issuedDaysAgo: 2, kilolitres: 32, arrears: 0 }));
  add(connection(FIXTURES.rejecting.connectionId, random, true, { issuedDaysAgo: 3, kilolitres: 0, arrears: 184_500 }));
  while (byId.size < count) {
    const ward = String(1 + Math.floor(random() * 40)).padStart(2, '0');
    const id = `W${ward}-${String(Math.floor(random() * 1e6)).padStart(6, '0')}`;
    if (byId.has(id)) continue;
    const hasArrears = random() < 0.2;
    add(
      connection(id, random, random() < 0.05, {
        // Some demands are past their rebate date (issued 8-12 days ago) but still before the due date.
        issuedDaysAgo: Math.floor(random() * 13),
        kilolitres: 4 + Math.floor(random() * 50),
        arrears: hasArrears ? 5_000 + Math.floor(random() * 400) * 100 : 0,
      }),
    );
  }
  return byId;
}
