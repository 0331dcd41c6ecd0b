import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createElectricityDiscomSandbox,
  defaultSandboxCredentials,
} from '../../adapters/electricity-discom/sandbox/app.js';
import { FIXTURES as ELECTRICITY, generateConsumers } from '../../adapters/electricity-discom/sandbox/data.js';
import { DEFAULT_SEED as GAS_SEED } from '../../adapters/piped-gas/sandbox/app.js';
import { buildAccounts, FIXTURES as GAS } from '../../adapters/piped-gas/sandbox/data.js';
import { billerSandboxesEnvSchema } from '../../adapters/sandboxes/config.js';
import { sandboxPopulationEnv } from '../../adapters/sandboxes/sandbox-env.js';
import { DEFAULT_SANDBOX_CONSUMERS, MAX_SANDBOX_CONSUMERS } from '../../adapters/sandboxes/shared/population.js';
import { createConnections, FIXTURES as WATER } from '../../adapters/water-board/sandbox/data.js';
import { ConfigError, loadConfig } from '../../infra/config.js';

/** SANDBOX_CONSUMERS: books of any size, the default one unchanged inside a larger one. */

const firstOf = <T>(map: Map<string, T>, n: number) => [...map.entries()].slice(0, n);

describe('sandbox population', () => {
  it('a larger book starts with exactly the default book, fixtures included, in every sandbox', () => {
    const books = [
      [generateConsumers(), generateConsumers(undefined, 5_000), ELECTRICITY.known.consumerNumber],
      [createConnections(), createConnections(undefined, 5_000), WATER.known.connectionId],
      [buildAccounts(GAS_SEED), buildAccounts(GAS_SEED, 5_000), GAS.known.bpNumber],
    ] as const;
    for (const [standard, large, known] of books) {
      expect(standard.size).toBe(DEFAULT_SANDBOX_CONSUMERS);
      expect(large.size).toBe(5_000);
      expect(firstOf(large as Map<string, unknown>, standard.size)).toEqual(
        firstOf(standard as Map<string, unknown>, standard.size),
      );
      expect(large.has(known)).toBe(true);
    }
  });

  it('SANDBOX_CONSUMERS defaults to 200 and refuses what is not a whole number in bounds', () => {
    const consumersOf = (env: Record<string, string>) => loadConfig(billerSandboxesEnvSchema, env).SANDBOX_CONSUMERS;
    expect(consumersOf({})).toBe(200);
    expect(consumersOf({ SANDBOX_CONSUMERS: '' })).toBe(200);
    expect(consumersOf({ SANDBOX_CONSUMERS: ' 5000 ' })).toBe(5_000);
    for (const bad of ['abc', '12.5', '-3', '5', String(MAX_SANDBOX_CONSUMERS + 1)]) {
      expect(() => consumersOf({ SANDBOX_CONSUMERS: bad }), bad).toThrow(ConfigError);
    }
    expect(sandboxPopulationEnv(1_200)).toEqual({ SANDBOX_CONSUMERS: '1200' });
    expect(() => generateConsumers(undefined, 3)).toThrow(RangeError);
  });

  describe('a sandbox started with a larger book', () => {
    let server: Server | undefined;
    afterAll(() => server?.close());

    it('answers for a consumer past the default 200', async () => {
      const book = [...generateConsumers(undefined, 1_000).values()];
      const beyond = book.find((c, i) => i >= DEFAULT_SANDBOX_CONSUMERS && c.status === 'ACTIVE');
      if (!beyond) throw new Error('no active consumer past the first 200');
      const app = createElectricityDiscomSandbox({ consumers: 1_000 });
      server = app.listen(0, '127.0.0.1');
      await new Promise((ready) => server?.once('listening', ready));
      const { port } = server.address() as AddressInfo;
      const bill = async (number: string) =>
        fetch(`http://127.0.0.1:${port}/v2/consumers/${number}/bill`, {
          headers: { 'x-api-key': defaultSandboxCredentials.apiKey },
        });
      expect(generateConsumers().has(beyond.number)).toBe(false);
      const res = await bill(beyond.number);
      expect(res.status).toBe(200);
      expect(JSON.stringify(await res.json())).toContain(beyond.bill.billNo);
      expect((await bill(ELECTRICITY.known.consumerNumber)).status).toBe(200);
    });
  });
});
