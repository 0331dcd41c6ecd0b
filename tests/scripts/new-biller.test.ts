import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { generateBiller, takenByBillers, takenSandboxPorts } from '../../scripts/new-biller.js';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * A throw-away copy of the repository's shape outside it: adapters/ with the shared sdk and
 * sandbox pieces linked in, and node_modules linked, so a generated biller runs as it would in
 * adapters/ while nothing is written into the repository.
 */
function scratchRepo(): { root: string; adapters: string } {
  const root = mkdtempSync(join(tmpdir(), 'new-biller-'));
  const adapters = join(root, 'adapters');
  mkdirSync(adapters);
  for (const shared of ['sdk', 'sandboxes']) symlinkSync(join(ROOT, 'adapters', shared), join(adapters, shared), 'dir');
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return { root, adapters };
}

describe('npm run new:biller', () => {
  const scratch = scratchRepo();
  afterAll(() => rmSync(scratch.root, { recursive: true, force: true }));

  it('writes a biller folder whose generated contract tests pass as they are', async () => {
    const made = generateBiller('sewerage-board', scratch.adapters, await takenSandboxPorts(join(ROOT, 'adapters')));
    expect(made.files.sort()).toEqual([
      'client.ts',
      'index.ts',
      'mapping.ts',
      'sandbox.ts',
      'sandbox/app.ts',
      'sandbox/data.ts',
      'tests/sewerage-board.test.ts',
      'wire.ts',
    ]);
    // Every name is the new biller's; nothing of the template's is left.
    for (const file of made.files) expect(readFileSync(join(made.folder, file), 'utf8')).not.toMatch(/template/i);
    const sandbox = readFileSync(join(made.folder, 'sandbox.ts'), 'utf8');
    expect(sandbox).toContain("name: 'sewerage-board'");
    expect(sandbox).toContain("portEnv: 'SEWERAGE_BOARD_SANDBOX_PORT'");
    expect(sandbox).toContain(`defaultPort: ${made.port}`);
    expect(made.entry).toEqual({
      adapter: 'sewerage-board',
      options: {
        baseUrl: { $env: 'SEWERAGE_BOARD_BASE_URL', default: `http://localhost:${made.port}` },
        apiKey: { $env: 'SEWERAGE_BOARD_API_KEY' },
      },
    });

    // The generated folder's own test file, run by vitest as CI would run it in adapters/.
    const run = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', scratch.root, 'adapters/sewerage-board'],
      { encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: 'true', NO_COLOR: '1' } },
    );
    expect(stripVTControlCharacters(run.stdout + run.stderr)).toMatch(/Tests\s+11 passed \(11\)/);
    expect(run.status).toBe(0);
  });

  it("takes the first biller sandbox port no other biller's sandbox has", () => {
    const made = generateBiller('drainage', scratch.adapters, new Set([4101, 4102, 4103, 4104]));
    expect(made.port).toBe(4105);
    expect(() =>
      generateBiller('sewers', scratch.adapters, new Set([4101, 4102, 4103, 4104, 4105, 4106, 4107, 4108, 4109])),
    ).toThrow(/every biller sandbox port 4101-4109 is taken/);
  });

  it('refuses a malformed or reserved kind, a folder that exists, and a kind whose names another biller uses, writing nothing', async () => {
    const before = readdirSync(scratch.adapters).sort();
    expect(() => generateBiller('Sewerage Board', scratch.adapters, new Set())).toThrow(/not a biller kind/);
    expect(() => generateBiller('sdk', scratch.adapters, new Set())).toThrow(/reserved/);
    expect(() => generateBiller('drainage', scratch.adapters, new Set())).toThrow(/already exists/);
    // "water" would take water-board's sandbox name and variables: refused before any file is written.
    const { ports, names } = await takenByBillers(join(ROOT, 'adapters'));
    expect(() => generateBiller('water', scratch.adapters, ports, names)).toThrow(
      /would reuse another biller's water, WATER_SANDBOX_PORT, WATER_BASE_URL/,
    );
    expect(readdirSync(scratch.adapters).sort()).toEqual(before);
  });

  it('finds the default ports of the sandboxes in adapters/, so a new one never collides', async () => {
    expect([...(await takenSandboxPorts(join(ROOT, 'adapters')))]).toEqual(expect.arrayContaining([4101, 4102, 4103]));
  });
});
