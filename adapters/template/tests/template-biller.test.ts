import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxProbe } from '../../sandboxes/shared/sandbox-probe.js';
import type { BillerOperations } from '../../sdk/index.js';
import { runAdapterContract } from '../../sdk/testkit/index.js';
import templateBiller, { descriptor } from '../index.js';
import { statusFromResponse } from '../mapping.js';
import { sandbox } from '../sandbox.js';

// The adapter's per-attempt timeout and retries, for the kit's timeout check.
const TIMEOUT_MS = 1_000;
const RETRIES = 1;
const opened: { server: Server; adapter: BillerOperations }[] = [];

afterAll(async () => {
  for (const { server, adapter } of opened) {
    await adapter.close?.();
    server.closeAllConnections();
    server.close();
  }
});

runAdapterContract(descriptor.name, async () => {
  const server = sandbox.create().listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const options = templateBiller.options.parse({
    baseUrl,
    ...sandbox.adapterOptions,
    timeoutMs: TIMEOUT_MS,
    retries: RETRIES,
  });
  const adapter = templateBiller.create(options, {});
  opened.push({ server, adapter });
  return {
    descriptor,
    adapter,
    fixtures: sandbox.fixtures,
    probe: sandboxProbe(baseUrl, sandbox.consumerKey),
    timeoutMs: TIMEOUT_MS,
    retries: RETRIES,
  };
});

describe(`${descriptor.name} mapping`, () => {
  it('reads a status word it does not know as pending, never as paid or failed', () => {
    const body = { payment: { reference: 'HUB1', state: 'UNDER_REVIEW' } };
    expect(statusFromResponse('HUB1', 200, body).status).toBe('pending');
  });
});
