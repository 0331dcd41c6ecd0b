import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DeclarationError, loadDeclaration } from '../../../adapters/declarative/index.js';
import { baseDeclaration } from './stub-biller.js';

const dir = mkdtempSync(join(tmpdir(), 'declarations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** Writes a declaration (an object as YAML, or raw text) and returns the problems loading it names. */
function problemsOf(content: unknown, extension = 'yaml'): { file: string; problems: string[]; message: string } {
  const file = join(dir, `bad-${files++}.biller.${extension}`);
  writeFileSync(
    file,
    typeof content === 'string' ? content : extension === 'json' ? JSON.stringify(content) : stringify(content),
  );
  try {
    loadDeclaration(file);
  } catch (error) {
    expect(error).toBeInstanceOf(DeclarationError);
    return { file, problems: (error as DeclarationError).problems, message: (error as Error).message };
  }
  throw new Error(`${file} loaded`);
}

const base = baseDeclaration() as Record<string, Record<string, unknown>>;
const fetch = base.fetch as { request: object; bill: Record<string, unknown> };

describe('a declaration file with mistakes', () => {
  it('loads when it has none, from YAML or JSON', () => {
    const yamlFile = join(dir, 'good.biller.yaml');
    const jsonFile = join(dir, 'good.biller.json');
    writeFileSync(yamlFile, stringify(baseDeclaration()));
    writeFileSync(jsonFile, JSON.stringify(baseDeclaration()));
    expect(loadDeclaration(yamlFile).descriptor.id).toBe('test-biller');
    expect(
      loadDeclaration(jsonFile).options.safeParse({ baseUrl: 'http://x.test', apiKey: 'k-12345678' }).success,
    ).toBe(true);
  });

  it('names the file and a misspelt field', () => {
    const { file, problems, message } = problemsOf({ ...baseDeclaration(), fetch: { ...fetch, bil: fetch.bill } });
    expect(message).toContain(file);
    expect(problems).toEqual(['fetch: Unrecognized key: "bil"']);
  });

  it('names a JSONata expression that does not compile, with its field', () => {
    const { problems } = problemsOf({
      ...baseDeclaration(),
      fetch: { ...fetch, bill: { ...fetch.bill, amountDue: 'total +' } },
    });
    expect(problems).toEqual([
      expect.stringMatching(/^fetch\.bill\.amountDue: invalid JSONata \(.+ at position \d+\)$/),
    ]);
  });

  it('names a misspelt field, a bad value and a JSONata expression that does not compile in one report', () => {
    const { problems } = problemsOf({
      ...baseDeclaration(),
      descriptor: { ...base.descriptor, exactness: 'EXAKT' },
      fetch: { ...fetch, bill: { ...fetch.bill, amountDue: 'total +', billNumbr: 'x' } },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^descriptor\.exactness: /),
        'fetch.bill: Unrecognized key: "billNumbr"',
        expect.stringMatching(/^fetch\.bill\.amountDue: invalid JSONata \(.+ at position \d+\)$/),
      ]),
    );
  });

  it('names a path placeholder, a query field and an error rule that do not compile', () => {
    const { problems } = problemsOf({
      ...baseDeclaration(),
      fetch: { ...fetch, request: { method: 'GET', path: '/a/{consumer.(}', query: { x: '"' } } },
      errors: [{ status: 404, when: 'code = ', outcome: 'consumer_not_found' }],
    });
    // Expressions are checked with the shape; a path's placeholders once the shape is right.
    expect(problems.map((p) => p.split(':')[0])).toEqual(['errors[0].when', 'fetch.request.query.x']);
    const path = problemsOf({
      ...baseDeclaration(),
      fetch: { ...fetch, request: { method: 'GET', path: '/a/{consumer.(}' } },
    });
    expect(path.problems.map((p) => p.split(':')[0])).toEqual(['fetch.request.path {consumer.(}']);
  });

  it('names an auth setting that refers to an option the file does not declare, and a base URL option of the wrong type', () => {
    const { problems } = problemsOf({
      ...baseDeclaration(),
      options: { baseUrl: { type: 'string' }, apiKey: { type: 'string', secret: true } },
      auth: { kind: 'hmac', algorithm: 'md5', secretOption: 'hmacSecret', signature: {} },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^auth\.algorithm: /),
        'auth.signature: give exactly one of field or header',
      ]),
    );
    const wrongType = problemsOf({
      ...baseDeclaration(),
      options: { baseUrl: { type: 'string' }, apiKey: { type: 'string' } },
    });
    expect(wrongType.problems).toEqual(['http.baseUrlOption: option "baseUrl" must have type url']);
    const missing = problemsOf({ ...baseDeclaration(), auth: { kind: 'apiKey', header: 'X-Key', option: 'token' } });
    expect(missing.problems).toEqual(['auth.option: names no declared option "token"']);
  });

  it('names an unknown outcome, a rule with no condition and a status vocabulary with nothing accepted', () => {
    const { problems } = problemsOf({
      ...baseDeclaration(),
      errors: [{ status: 404, outcome: 'refund' }, { outcome: 'pending' }],
      statuses: { accepted: [] },
    });
    expect(problems).toEqual([
      expect.stringMatching(/^errors\[0\]\.outcome: Invalid option: expected one of "consumer_not_found"/),
      'errors[1]: give status, when, or both',
      'statuses.accepted: Too small: expected array to have >=1 items',
    ]);
  });

  it("names a consumer param whose example does not match its pattern (the descriptor's own checks)", () => {
    const descriptor = {
      ...base.descriptor,
      consumerParams: [{ name: 'accountNo', label: 'Account', pattern: '\\d{6}', example: 'ABC' }],
    };
    const { problems } = problemsOf({ ...baseDeclaration(), descriptor });
    expect(problems).toEqual(['descriptor.consumerParams.0.example: does not match its pattern']);
  });

  it('refuses a file that is not YAML, not JSON, or not a declaration at all', () => {
    expect(problemsOf('descriptor: [unclosed').problems[0]).toMatch(/^\(file\): not valid YAML/);
    expect(problemsOf('{ "descriptor": ', 'json').problems[0]).toMatch(/^\(file\): not valid JSON/);
    expect(problemsOf('just text').problems[0]).toMatch(/^\(file\): Invalid input: expected object/);
    expect(problemsOf('x: 1', 'txt').problems).toEqual(['(file): a declaration is .yaml, .yml or .json']);
  });
});
