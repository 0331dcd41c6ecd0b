import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/local-services/free-port.js';
import { getFresh } from '../idp/support/cluster-idp.js';

describe("a cluster's /metrics while one of its workers is still starting", () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    // SIGKILL of the primary: its workers exit when their channel to it closes.
    child?.kill('SIGKILL');
  });

  it("answers with the started worker's figures instead of failing every scrape", async () => {
    const port = await freePort();
    child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(import.meta.dirname, 'support/half-started-cluster.ts')],
      {
        env: { PATH: process.env.PATH, PORT: String(port), LOG_LEVEL: 'silent' },
        stdio: 'ignore',
      },
    );
    const url = `http://127.0.0.1:${port}`;
    let health: number | undefined;
    for (let i = 0; i < 300 && health !== 200; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      health = (await getFresh(`${url}/healthz`).catch(() => undefined))?.status;
    }
    expect(health).toBe(200);
    const metrics = await getFresh(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/healthz"[^}]*\} \d+/);
  }, 60_000);
});
