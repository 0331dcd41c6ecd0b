import { checkedConsumerCount, DEFAULT_SANDBOX_CONSUMERS } from '../../sandboxes/shared/population.js';
import { daysFromToday, personName, seededRandom } from '../../sandboxes/shared/seeded.js';

/** The discom's books for the sandbox: consumers and their current bills, amounts in paise. */

export type TariffCategory = 'LT-DOMESTIC' | 'LT-COMMERCIAL';

export interface SandboxSlab {
  fromUnit: number;
  /** null for the open-ended top slab. */
  toUnit: number | null;
  ratePaise: number;
  amountMinor: number;
}

export interface SandboxBill {
  billNo: string;
  billDate: string;
  dueDate: string;
  periodFrom: string;
  periodTo: string;
  unitsConsumed: number;
  slabs: SandboxSlab[];
  fixedChargeMinor: number;
  dutyMinor: number;
  arrearsMinor: number;
  /** Always exactly slabs + fixed charge + duty + arrears. */
  totalDueMinor: number;
  /** Added from the day after the due date. */
  lateFeeMinor: number;
}

export interface SandboxConsumer {
  number: string;
  name: string;
  category: TariffCategory;
  status: 'ACTIVE' | 'DISCONNECTED';
  bill: SandboxBill;
}

export const DEFAULT_SEED = 4101;
/** Consumers when no count is given (see shared/population.ts). */
export const CONSUMER_COUNT = DEFAULT_SANDBOX_CONSUMERS;

/**
 * Consumers the tests name. They are fixed numbers starting with 1 (generated ones start
 * with 2-8, the unknown one with 9), so they exist whatever the seed.
 */
export const FIXTURES = {
  known: { consumerNumber: '1002003004' },
  unknown: { consumerNumber: '9000000001' },
  malformed: { consumerNumber: '1002-003' },
  /** Disconnected: it has a bill, but the discom refuses its payments with ACCOUNT_DISCONNECTED. */
  rejecting: { consumerNumber: '1002003005' },
} as const;

interface TariffBand {
  upTo: number | null;
  ratePaise: number;
}

const TARIFFS: Record<TariffCategory, { bands: TariffBand[]; fixedChargeMinor: number; dutyPercent: number }> = {
  'LT-DOMESTIC': {
    bands: [
      { upTo: 100, ratePaise: 350 },
      { upTo: 300, ratePaise: 550 },
      { upTo: 500, ratePaise: 725 },
      { upTo: null, ratePaise: 900 },
    ],
    fixedChargeMinor: 12_000,
    dutyPercent: 6,
  },
  'LT-COMMERCIAL': {
    bands: [
      { upTo: 200, ratePaise: 800 },
      { upTo: null, ratePaise: 1_050 },
    ],
    fixedChargeMinor: 30_000,
    dutyPercent: 9,
  },
};

/** Telescopic slabs: each unit is charged at the rate of the band it falls in. */
export function slabsFor(category: TariffCategory, units: number): SandboxSlab[] {
  const slabs: SandboxSlab[] = [];
  let fromUnit = 1;
  for (const band of TARIFFS[category].bands) {
    if (units < fromUnit) break;
    const last = band.upTo === null ? units : Math.min(units, band.upTo);
    const count = last - fromUnit + 1;
    slabs.push({ fromUnit, toUnit: band.upTo, ratePaise: band.ratePaise, amountMinor: count * band.ratePaise });
    fromUnit = (band.upTo ?? units) + 1;
  }
  return slabs;
}

function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

interface ConsumerShape {
  status?: SandboxConsumer['status'];
  overdue?: boolean;
  category?: TariffCategory;
}

function makeConsumer(random: () => number, number: string, shape: ConsumerShape = {}): SandboxConsumer {
  const category = shape.category ?? (random() < 0.8 ? 'LT-DOMESTIC' : 'LT-COMMERCIAL');
  const tariff = TARIFFS[category];
  const units = category === 'LT-DOMESTIC' ? between(random, 40, 650) : between(random, 100, 1_500);
  const slabs = slabsFor(category, units);
  const energyMinor = slabs.reduce((sum, slab) => sum + slab.amountMinor, 0);
  // energy * percent is an integer, so rounding its hundredth is exact.
  const dutyMinor = Math.round((energyMinor * tariff.dutyPercent) / 100);
  const arrearsMinor = random() < 0.25 ? between(random, 5_000, 150_000) : 0;
  const currentMinor = energyMinor + tariff.fixedChargeMinor + dutyMinor;
  const overdue = shape.overdue ?? random() < 0.1;
  // Bills are issued 1-10 days ago and due 15 days after issue; overdue ones were issued 20-30 days ago.
  const billAge = overdue ? between(random, 20, 30) : between(random, 1, 10);
  const billDate = daysFromToday(-billAge);
  return {
    number,
    name: personName(random),
    category,
    status: shape.status ?? (random() < 0.03 ? 'DISCONNECTED' : 'ACTIVE'),
    bill: {
      billNo: `EB${billDate.slice(2, 4)}${billDate.slice(5, 7)}${number}`,
      billDate,
      dueDate: daysFromToday(-billAge + 15),
      periodFrom: daysFromToday(-billAge - 30),
      periodTo: daysFromToday(-billAge - 1),
      unitsConsumed: units,
      slabs,
      fixedChargeMinor: tariff.fixedChargeMinor,
      dutyMinor,
      arrearsMinor,
      totalDueMinor: currentMinor + arrearsMinor,
      lateFeeMinor: Math.max(2_500, Math.round(currentMinor / 100)),
    },
  };
}

/**
 * `count` consumers (checked as shared/population.ts says; throws RangeError) for a seed: the same
 * seed gives the same consumers and bills, with dates relative to today, and a larger count the
 * same first consumers followed by more.
 */
export function generateConsumers(seed = DEFAULT_SEED, count = CONSUMER_COUNT): Map<string, SandboxConsumer> {
  checkedConsumerCount(count);
  const random = seededRandom(seed);
  const consumers = new Map<string, SandboxConsumer>();
  const add = (consumer: SandboxConsumer) => consumers.set(consumer.number, consumer);
  add(
    makeConsumer(random, FIXTURES.known.consumerNumber, { status: 'ACTIVE', overdue: false, category: 'LT-DOMESTIC' }),
  );
  add(makeConsumer(random, FIXTURES.rejecting.consumerNumber, { status: 'DISCONNECTED', overdue: true }));
  while (consumers.size < count) {
    const length = between(random, 10, 12);
    const number = `${between(random, 2, 8)}${Array.from({ length: length - 1 }, () => between(random, 0, 9)).join('')}`;
    if (!consumers.has(number)) add(makeConsumer(random, number));
  }
  return consumers;
}
