import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshConsumers } from '../hub-api/fresh-consumers.js';
import { startTestHub, type TestHub } from '../hub-api/test-hub.js';
import { Browser } from '../idp/support/browser.js';
import { login, relyingParty } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';
import { fuzzHubApi, RUN_TIMEOUT_MS } from './schemathesis-run.js';

/** Every scope of the hub's API: the fuzzer reaches every route past its scope check. */
const SCOPES = 'openid bills:read accounts:write payments:read payments:write';
/** Test cases per operation and phase: enough to find faults, few enough for about two minutes on 2 busy cores. */
const MAX_EXAMPLES = 100;

/**
 * The run's configuration (schemathesis.toml). A schema-valid request may still meet the
 * biller's and the payment's rules: 404 (no such biller, account or payment), 409 (already linked,
 * bill paid or changed), 410 (checkout closed), 422 (the biller's consumer rules, exactness) and
 * 503 (a biller or the gateway down) are documented answers to valid input, not refusals of it.
 * A fuzzer cannot sign a gateway webhook, so that operation's valid bodies are refused 400. The
 * citizen's own account and payment are given for the routes that name one, so the fuzzer
 * reaches their 200 answers (and their schemas) rather than only 404s.
 */
function configFile(ids: { accountId: string; paymentId: string }): string {
  return `
[checks.positive_data_acceptance]
expected-statuses = ["2XX", "401", "403", "404", "409", "410", "422", "503"]

[[operations]]
include-operation-id = "receiveGatewayWebhook"
checks.positive_data_acceptance.expected-statuses = ["204", "400"]

[[operations]]
include-path-regex = "paymentId"
parameters = { "path.paymentId" = "${ids.paymentId}" }

[[operations]]
include-operation-id = "unlinkAccount"
parameters = { "path.accountId" = "${ids.accountId}" }
`;
}

describe('the hub API against its own OpenAPI document, fuzzed by Schemathesis', () => {
  let idp: TestIdp;
  let hub: TestHub;
  let token: string;
  let reports: string;

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    hub = await startTestHub(idp.issuer, HUB_API);
    const rp = await relyingParty(idp, idp.hub);
    token = (
      await login(idp, new Browser([idp.hub.redirectUri]), rp, idp.hub, {
        identifier: 'fuzz@example.org',
        scope: SCOPES,
        resource: HUB_API,
      })
    ).tokens.access_token;
    reports = mkdtempSync(join(tmpdir(), 'schemathesis-'));
    // One saved account and one payment of this citizen, for the routes that name one.
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${hub.url}/api/v1${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
        },
      });
    const linked = await api('/accounts', {
      method: 'POST',
      body: JSON.stringify({ billerId: 'state-electricity', consumer: freshConsumers()().electricity }),
    });
    expect(linked.status).toBe(201);
    const { dues } = (await (await api('/dues')).json()) as {
      dues: { account: { id: string }; checkoutLine: object }[];
    };
    const [due] = dues;
    if (!due) throw new Error('the saved account has no due');
    const paid = await api('/checkouts', { method: 'POST', body: JSON.stringify({ lines: [due.checkoutLine] }) });
    expect(paid.status).toBe(201);
    const { payment } = (await paid.json()) as { payment: { id: string } };
    writeFileSync(join(reports, 'schemathesis.toml'), configFile({ accountId: due.account.id, paymentId: payment.id }));
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
    if (reports) rmSync(reports, { recursive: true, force: true });
  });

  it(
    'every check passes on every operation: no 500, no undocumented status, every body as documented',
    async () => {
      const run = await fuzzHubApi({ hubUrl: hub.url, token, dir: reports, maxExamples: MAX_EXAMPLES });
      // The whole report on failure: each failure with its curl command to reproduce it.
      expect(run.code, run.output).toBe(0);
      expect(run.output).toMatch(/No issues found|passed/i);
    },
    RUN_TIMEOUT_MS + 30_000,
  );
});
