import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeclaration } from '../../../adapters/declarative/index.js';
import electricityAdapter from '../../../adapters/electricity-discom/index.js';
import { sandbox as electricitySandbox } from '../../../adapters/electricity-discom/sandbox.js';
import gasAdapter from '../../../adapters/piped-gas/index.js';
import { sandbox as gasSandbox } from '../../../adapters/piped-gas/sandbox.js';
import type { BillerSandbox } from '../../../adapters/sandboxes/shared/biller-sandbox.js';
import type { AdapterDefinition, Bill } from '../../../adapters/sdk/index.js';
import waterAdapter from '../../../adapters/water-board/index.js';
import { sandbox as waterSandbox } from '../../../adapters/water-board/sandbox.js';
import { todayInIndia } from '../../../hub/bills/indian-day.js';
import { useSandboxServers } from './sandbox-servers.js';

/**
 * Each reference biller's declaration reads its sandbox exactly as its code adapter does: the same
 * descriptor, the same bills (amounts, breakup lines and labels, dates, early and late amounts),
 * and the same daily collection file.
 */

const ADAPTERS_DIR = resolve(import.meta.dirname, '../../../adapters');
const { listen, keep } = useSandboxServers();

const references: [string, AdapterDefinition<unknown>, BillerSandbox][] = [
  ['electricity-discom', electricityAdapter as AdapterDefinition<unknown>, electricitySandbox],
  ['water-board', waterAdapter as AdapterDefinition<unknown>, waterSandbox],
  ['piped-gas', gasAdapter as AdapterDefinition<unknown>, gasSandbox],
];

const withoutClock = ({ fetchedAt: _fetchedAt, ...bill }: Bill) => bill;

describe.each(references)('the %s declaration beside its code adapter', (folder, code, sandbox) => {
  it('has the same descriptor and reads the same bills and collection file from the same sandbox', async () => {
    const options = { ...sandbox.adapterOptions, baseUrl: await listen(sandbox) };
    const declared = loadDeclaration(`${ADAPTERS_DIR}/${folder}/${folder}.biller.yaml`);
    expect(declared.descriptor).toEqual(code.descriptor);
    const fromCode = keep(code.create(code.options.parse(options), {}));
    const fromDeclaration = keep(declared.create(declared.options.parse(options), {}));
    for (const consumer of [sandbox.fixtures.known, sandbox.fixtures.rejecting]) {
      const [a, b] = await Promise.all([fromCode.fetchBill(consumer), fromDeclaration.fetchBill(consumer)]);
      expect(withoutClock(b)).toEqual(withoutClock(a));
    }
    const bill = await fromDeclaration.fetchBill(sandbox.fixtures.known);
    const reference = `HUB${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`;
    const posted = await fromDeclaration.postPayment({
      reference,
      consumer: sandbox.fixtures.known,
      billNumber: bill.billNumber,
      amountMinor: bill.earlyPayment?.amountMinor ?? bill.amountDueMinor,
      paidAt: new Date().toISOString(),
    });
    expect(posted.status).toBe('accepted');
    const day = todayInIndia();
    const [codeFile, declaredFile] = await Promise.all([
      fromCode.collectionReport?.(day),
      fromDeclaration.collectionReport?.(day),
    ]);
    expect(declaredFile).toEqual(codeFile);
    expect(declaredFile?.map((entry) => entry.reference)).toContain(reference);
  });
});
