import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newReference } from '../../hub/payments/ids.js';
import { istDateOf } from '../../hub/reconciliation/index.js';
import { BILLERS } from '../hub-settlement/billers.js';
import { GATEWAY_API_KEY, GATEWAY_WEBHOOK_SECRET } from '../hub-settlement/gateway.js';
import { redisUrl } from '../support/isolation.js';
import { type ReconHarness, startReconHarness } from './recon-harness.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

let h: ReconHarness;
beforeAll(async () => {
  h = await startReconHarness('recon_script');
});
afterAll(async () => {
  await h.close();
});

/** `npm run recon -- --date <date>` as an operator runs it, against this test's hub. */
async function recon(date: string): Promise<{ code: number; stdout: string }> {
  const env = {
    ...process.env,
    ...h.billers.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    MONGODB_URI: h.mongoUri,
    HUB_MONGODB_DB: h.dbName,
    REDIS_URL: redisUrl(),
    SETTLEMENT_QUEUE_PREFIX: h.options.prefix,
    BILLERS_FILE: h.billers.registryFile,
    GATEWAY_BASE_URL: h.gateway.url,
    GATEWAY_API_KEY,
    GATEWAY_WEBHOOK_SECRET,
  };
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/recon.ts', '--date', date], {
      cwd: ROOT,
      env,
      timeout: 60_000,
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('npm run recon', () => {
  it('prints the day report and exits 0 when nothing is open, 1 once a case is', async () => {
    const date = istDateOf(new Date());
    const clean = await recon(date);
    expect(clean.stdout).toContain(`reconciliation ${date}`);
    expect(clean.stdout).toContain('no open cases');
    expect(clean.code).toBe(0);

    const reference = newReference();
    const biller = h.billers.registry.get(BILLERS.gas.billerId);
    const bill = await biller?.operations.fetchBill(BILLERS.gas.known);
    await biller?.operations.postPayment({
      reference,
      consumer: BILLERS.gas.known,
      billNumber: bill?.billNumber ?? '',
      amountMinor: bill?.amountDueMinor ?? 0,
      paidAt: new Date().toISOString(),
    });

    const open = await recon(date);
    expect(open.stdout).toContain(`case unmatched_posting:metro-gas:${reference} (new)`);
    expect(open.stdout).toContain('1 case(s) open');
    expect(open.code).toBe(1);
  });

  it('exits 2 on a date that is not YYYY-MM-DD', async () => {
    expect((await recon('30-11-2026')).code).toBe(2);
  });
});
