import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInIndia } from '../../hub/bills/indian-day.js';
import { fuzzHubApi, RUN_TIMEOUT_MS } from '../api-fuzz/schemathesis-run.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';
import { machineClient, machineToken } from './machine-client.js';
import { startTestHub, type TestHub } from './test-hub.js';

/**
 * The run's configuration. A schema-valid demand may still break the rules JSON Schema cannot
 * carry (instalments adding up to the total, a due date not in the past): a 400 naming the field,
 * documented; so are 404 (no such demand of this provider), 409 (paid or cancelled, a key reused)
 * and 422 (an upload's rows). The provider's own demand is given for the routes that name one.
 */
function configFile(reference: string): string {
  return `
[checks.positive_data_acceptance]
expected-statuses = ["2XX", "400", "404", "409", "422"]

[[operations]]
include-path-regex = "reference"
parameters = { "path.reference" = "${reference}" }
`;
}

/** The demand routes fuzzed with a provider's own token, so the fuzzer gets past the token check. */
describe('the demand routes against the OpenAPI document, fuzzed by Schemathesis with a provider token', () => {
  const provider = machineClient('fuzz-provider', ['demands:write', 'demands:read']);
  let idp: TestIdp;
  let hub: TestHub;
  let token: string;
  let reports: string;

  beforeAll(async () => {
    idp = await startTestIdp(provider.env, { extraClients: [provider.entry] });
    hub = await startTestHub(idp.issuer, HUB_API);
    token = await machineToken(idp, provider, 'demands:write demands:read');
    const created = await fetch(`${hub.url}/api/v1/demands`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify({
        payer: { email: 'fuzz.payer@example.org' },
        title: 'Fuzzed fee',
        lines: [{ description: 'Fee', amountMinor: 10_000, taxMinor: 0, taxes: [] }],
        dueDate: todayInIndia(),
      }),
    });
    expect(created.status).toBe(201);
    const { reference } = (await created.json()) as { reference: string };
    reports = mkdtempSync(join(tmpdir(), 'schemathesis-demands-'));
    writeFileSync(join(reports, 'schemathesis.toml'), configFile(reference));
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
    if (reports) rmSync(reports, { recursive: true, force: true });
  });

  it(
    'every check passes on every demand operation: no 500, no undocumented status, every body as documented',
    async () => {
      const run = await fuzzHubApi({
        hubUrl: hub.url,
        token,
        dir: reports,
        maxExamples: 50,
        includePathRegex: '^/demand',
      });
      expect(run.code, run.output).toBe(0);
      expect(run.output).toMatch(/No issues found|passed/i);
      // The seven demand operations, each reached past the token check.
      expect(run.output).toMatch(/Operations:\s+7 selected/);
      expect(run.output).not.toMatch(/Authentication failed/);
    },
    RUN_TIMEOUT_MS + 30_000,
  );
});
