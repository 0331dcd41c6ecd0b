import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DeclaredSandboxError, loadDeclaredSandbox } from '../../../../adapters/sandboxes/declared/index.js';
import { financialYearOf, halfYearOf } from '../../../../adapters/sandboxes/declared/rules.js';
import { PROPERTY_TAX_SANDBOX_FILE } from './property-tax-harness.js';

/** A declared sandbox file is checked as it loads: every bad field is named, with the file. */

const dir = mkdtempSync(join(tmpdir(), 'declared-sandbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: the tests break the file field by field
type SandboxFile = any;
const good = (): SandboxFile => parse(readFileSync(PROPERTY_TAX_SANDBOX_FILE, 'utf8'));
let written = 0;

/** Writes the property tax file changed by `change` and loads it; the error it throws. */
function refusalOf(change: (file: SandboxFile) => void): DeclaredSandboxError {
  const file = good();
  change(file);
  const path = join(dir, `sandbox-${++written}.yaml`);
  writeFileSync(path, stringify(file));
  try {
    loadDeclaredSandbox(path);
  } catch (caught) {
    expect(caught).toBeInstanceOf(DeclaredSandboxError);
    expect((caught as Error).message).toContain(`sandbox-${written}.yaml: `);
    return caught as DeclaredSandboxError;
  }
  throw new Error('the file was accepted');
}
const pathsOf = (error: DeclaredSandboxError) => error.problems.map((p) => p.path);

describe('declared sandbox files', () => {
  it('loads the property tax file as it is', () => {
    expect(loadDeclaredSandbox(PROPERTY_TAX_SANDBOX_FILE).name).toBe('property-tax');
  });

  it('refuses a file that is not YAML, naming the file and the line', () => {
    const path = join(dir, 'broken.yaml');
    writeFileSync(path, 'name: property-tax\nroutes: [unclosed\n');
    expect(() => loadDeclaredSandbox(path)).toThrow(/broken\.yaml: YAML: .*line/);
  });

  it('refuses a missing file, naming it', () => {
    expect(() => loadDeclaredSandbox(join(dir, 'absent.yaml'))).toThrow(/absent\.yaml: cannot read/);
  });

  it('names each missing or mistyped field by its path', () => {
    const error = refusalOf((file) => {
      delete file.routes.fetch.path;
      file.defaultPort = 'four thousand';
      file.routes.post.refusals[0].code = '';
    });
    expect(pathsOf(error)).toEqual(
      expect.arrayContaining(['routes.fetch.path', 'defaultPort', 'routes.post.refusals[0].code']),
    );
    expect(error.message).toContain('routes.fetch.path: ');
  });

  it('refuses a field the format does not have, and an auth kind it does not know', () => {
    expect(refusalOf((file) => Object.assign(file.routes.status, { colour: 'blue' })).message).toMatch(
      /routes\.status: Unrecognized key: "colour"/,
    );
    expect(pathsOf(refusalOf((file) => Object.assign(file.auth, { kind: 'magic' })))).toContain('auth.kind');
  });

  it('names a JSONata template that does not parse', () => {
    const error = refusalOf((file) => {
      file.routes.post.refusals[1].when = 'demand.demandNo = (';
      file.routes.fetch.found.body = '{"a": }';
    });
    expect(pathsOf(error)).toEqual(['routes.fetch.found.body', 'routes.post.refusals[1].when']);
    expect(error.message).toMatch(/routes\.post\.refusals\[1\]\.when: JSONata: .*at character/);
  });

  it('names a value rule that reads a later field, an unknown rule word, and a bad range', () => {
    const error = refusalOf((file) => {
      file.books.demand.fields.totalPaise.sum[0] = { ref: 'dueOn' };
      file.books.consumer.status = { choose: ['ACTIVE'] };
      file.books.consumer.ward = { between: [80, 1], pad: 3 };
    });
    expect(error.problems).toEqual(
      expect.arrayContaining([
        { path: 'books.demand.fields.totalPaise.sum[0].ref', message: 'not an earlier field: dueOn' },
        expect.objectContaining({ path: 'books.consumer.status' }),
        expect.objectContaining({ path: 'books.consumer.ward.between' }),
      ]),
    );
  });

  it('names a template placeholder that is no field, and a listed consumer field that is not declared', () => {
    const error = refusalOf((file) => {
      file.books.demand.fields.demandNo.template = 'PT/{fy}/{assessmentNo}';
      file.books.listed[0].consumer.colour = 'blue';
    });
    expect(pathsOf(error)).toEqual(['books.demand.fields.demandNo.template', 'books.listed[0].consumer.colour']);
  });

  it('refuses fixtures that do not fit the pattern or the books', () => {
    expect(
      pathsOf(refusalOf((file) => Object.assign(file.fixtures.malformed, { assessmentNo: '012-000001' }))),
    ).toEqual(['fixtures.malformed.assessmentNo']);
    expect(pathsOf(refusalOf((file) => Object.assign(file.fixtures.known, { assessmentNo: '012-999999' })))).toEqual([
      'fixtures.known',
    ]);
    // The paid-up consumer has no demand: collections cannot be refused against it as "rejecting" means.
    expect(
      pathsOf(refusalOf((file) => Object.assign(file.fixtures.rejecting, { assessmentNo: '012-000500' }))),
    ).toEqual(['fixtures.rejecting']);
    expect(pathsOf(refusalOf((file) => Object.assign(file.fixtures.unknown, { assessmentNo: '012-000042' })))).toEqual([
      'fixtures.unknown',
    ]);
    expect(pathsOf(refusalOf((file) => delete file.fixtures.known.assessmentNo))).toEqual([
      'fixtures.known.assessmentNo',
    ]);
  });

  it('refuses an auth option the adapter options lack and an injected refusal that is no refusal code', () => {
    const error = refusalOf((file) => {
      file.adapterOptions = { token: 'x' };
      file.routes.post.injectedRefusal = 'NOPE';
    });
    expect(pathsOf(error)).toEqual(['auth.option', 'routes.post.injectedRefusal']);
  });

  it('refuses books whose rules make keys that break the pattern, or too few distinct keys', () => {
    expect(
      refusalOf((file) => {
        file.books.consumer.ward = { between: [1, 80], pad: 2 };
      }).problems,
    ).toEqual([{ path: 'books.consumer.assessmentNo', message: expect.stringContaining('breaks consumerPattern') }]);
    expect(
      refusalOf((file) => {
        file.books.consumer.serial = { pick: ['000001'] };
        file.books.consumer.ward = '013';
      }).problems,
    ).toEqual([{ path: 'books.consumer.assessmentNo', message: expect.stringContaining('distinct keys') }]);
  });
});

describe('calendar rules', () => {
  it('name the Indian financial year and its half by the Indian date', () => {
    expect(financialYearOf('2026-11-30')).toBe('2026-27');
    expect(financialYearOf('2027-03-31')).toBe('2026-27');
    expect(financialYearOf('2027-04-01')).toBe('2027-28');
    expect(financialYearOf('2099-06-01')).toBe('2099-00');
    expect(halfYearOf('2026-09-30')).toBe('H1');
    expect(halfYearOf('2026-10-01')).toBe('H2');
    expect(halfYearOf('2027-02-01')).toBe('H2');
  });
});
