/**
 * `npm run new:biller -- <kind>`: a new code biller from the template. Copies adapters/template/
 * into adapters/<kind>/ with its names substituted (wire types, pure mapping, client, the
 * defineAdapter index, a sandbox on the first free biller sandbox port, and contract tests that
 * pass as generated), then prints the registry entry to add to adapters/billers.json and the
 * next steps. It never edits the registry: the entry is yours to place and review.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { registryEnvRefs } from '../adapters/registry/env-refs.js';
import { registrySandboxes } from '../adapters/sandboxes/registry-sandboxes.js';
import type { BillerSandbox } from '../adapters/sandboxes/shared/biller-sandbox.js';

const ADAPTERS_DIR = resolve(import.meta.dirname, '../adapters');
/** The folder copied; it is itself a working biller whose contract tests run in CI. */
export const TEMPLATE_DIR = join(ADAPTERS_DIR, 'template');
/** Biller sandboxes take these ports (docker-compose.yml publishes the range). */
export const SANDBOX_PORTS = { first: 4101, last: 4109 } as const;
/** Folders of adapters/ that are not billers. */
const RESERVED = new Set(['sdk', 'registry', 'sandboxes', 'declarative']);
const KIND = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** The template's names, each replaced by the same name of the new biller. */
const TEMPLATE_NAMES = { kebab: 'template-biller', pascal: 'TemplateBiller', camel: 'templateBiller' } as const;

export interface NewBiller {
  /** The new folder, e.g. /…/adapters/sewerage-board. */
  folder: string;
  /** Its files, relative to the folder. */
  files: string[];
  /** The sandbox's default port. */
  port: number;
  /** The registry entry to add to adapters/billers.json. */
  entry: { adapter: string; options: Record<string, { $env: string; default?: string }> };
}

const words = (kind: string) => kind.split('-');
const pascal = (kind: string) =>
  words(kind)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
const constant = (kind: string) => words(kind).join('_').toUpperCase();
const title = (kind: string) =>
  words(kind)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((item) =>
    item.isDirectory() ? filesUnder(join(dir, item.name), base) : [relative(base, join(dir, item.name))],
  );
}

/** What the billers of an adapters folder already use: sandbox ports, and names a new biller must not reuse. */
export interface TakenByBillers {
  /** Sandbox default ports. */
  ports: Set<number>;
  /** Sandbox names, sandbox port variables and every variable the registry reads. */
  names: Set<string>;
}

/**
 * What the biller sandboxes of `adaptersDir` already take, registered or not: the registry's
 * (adapters/billers.json, with every `{"$env"}` it names), each `sandbox.ts`'s exported sandbox,
 * and each declared `sandbox.yaml`'s top-level fields. Throws when a registered sandbox is broken.
 */
export async function takenByBillers(adaptersDir = ADAPTERS_DIR): Promise<TakenByBillers> {
  const taken: TakenByBillers = { ports: new Set(), names: new Set() };
  const add = (sandbox: Partial<Pick<BillerSandbox, 'defaultPort' | 'name' | 'portEnv'>>) => {
    if (typeof sandbox.defaultPort === 'number') taken.ports.add(sandbox.defaultPort);
    for (const name of [sandbox.name, sandbox.portEnv]) if (typeof name === 'string') taken.names.add(name);
  };
  // The registry's sandboxes, declared ones read by their own loader whatever their file's shape.
  const registry = join(adaptersDir, 'billers.json');
  if (existsSync(registry)) {
    for (const { sandbox } of await registrySandboxes(registry)) add(sandbox);
    for (const ref of registryEnvRefs(registry)) taken.names.add(ref.name);
  }
  for (const folder of readdirSync(adaptersDir)) {
    if (folder === 'template') continue;
    const code = join(adaptersDir, folder, 'sandbox.ts');
    const declared = join(adaptersDir, folder, 'sandbox.yaml');
    if (existsSync(code)) {
      const module = (await import(pathToFileURL(code).href)) as { sandbox?: BillerSandbox };
      if (module.sandbox) add(module.sandbox);
    } else if (existsSync(declared)) {
      add((parse(readFileSync(declared, 'utf8')) as Partial<BillerSandbox> | null) ?? {});
    }
  }
  return taken;
}

/** The sandbox default ports already taken (takenByBillers). */
export async function takenSandboxPorts(adaptersDir = ADAPTERS_DIR): Promise<Set<number>> {
  return (await takenByBillers(adaptersDir)).ports;
}

/**
 * Writes adapters/<kind>/ from the template. `kind` is the folder, adapter kind, biller id and
 * sandbox name (lower-case words joined by dashes, e.g. "sewerage-board"); the sandbox gets the
 * first biller sandbox port not in `taken` (takenSandboxPorts). Throws when the kind is
 * malformed or reserved, the folder exists, its sandbox name or variables are among `takenNames`
 * (takenByBillers: e.g. "water" would reuse water-board's WATER_BASE_URL and WATER_SANDBOX_PORT),
 * or every biller sandbox port is taken.
 */
export function generateBiller(
  kind: string,
  adaptersDir = ADAPTERS_DIR,
  taken: ReadonlySet<number>,
  takenNames: ReadonlySet<string> = new Set(),
): NewBiller {
  if (!KIND.test(kind) || kind.length < 2 || kind.length > 40) {
    throw new Error(`"${kind}" is not a biller kind: lower-case words joined by dashes, e.g. sewerage-board`);
  }
  if (RESERVED.has(kind) || kind.startsWith('template')) throw new Error(`"${kind}" is reserved`);
  const folder = join(adaptersDir, kind);
  if (existsSync(folder)) throw new Error(`${folder} already exists`);
  const clashes = [
    kind,
    ...['SANDBOX_PORT', 'BASE_URL', 'API_KEY'].map((suffix) => `${constant(kind)}_${suffix}`),
  ].filter((name) => takenNames.has(name));
  if (clashes.length) {
    throw new Error(`"${kind}" would reuse another biller's ${clashes.join(', ')}: pick another kind`);
  }
  let port: number = SANDBOX_PORTS.first;
  while (taken.has(port)) port++;
  if (port > SANDBOX_PORTS.last) {
    throw new Error(`every biller sandbox port ${SANDBOX_PORTS.first}-${SANDBOX_PORTS.last} is taken`);
  }

  const substitute = (text: string) =>
    text
      .replaceAll(TEMPLATE_NAMES.kebab, kind)
      .replaceAll(TEMPLATE_NAMES.pascal, pascal(kind))
      .replaceAll(TEMPLATE_NAMES.camel, pascal(kind).charAt(0).toLowerCase() + pascal(kind).slice(1))
      .replaceAll(constant(TEMPLATE_NAMES.kebab), constant(kind))
      .replaceAll(title(TEMPLATE_NAMES.kebab), title(kind))
      .replace(/defaultPort: \d+/, `defaultPort: ${port}`);
  const files = filesUnder(TEMPLATE_DIR).map((file) => {
    const target = substitute(file);
    mkdirSync(dirname(join(folder, target)), { recursive: true });
    writeFileSync(join(folder, target), substitute(readFileSync(join(TEMPLATE_DIR, file), 'utf8')));
    return target;
  });
  const env = constant(kind);
  return {
    folder,
    files,
    port,
    entry: {
      adapter: kind,
      options: {
        baseUrl: { $env: `${env}_BASE_URL`, default: `http://localhost:${port}` },
        apiKey: { $env: `${env}_API_KEY` },
      },
    },
  };
}

if (resolve(process.argv[1] ?? '') === import.meta.filename) {
  const kind = process.argv[2];
  if (!kind || kind.startsWith('-')) {
    console.error('usage: npm run new:biller -- <kind>   (e.g. sewerage-board)');
    process.exit(2);
  }
  try {
    const taken = await takenByBillers();
    const made = generateBiller(kind, ADAPTERS_DIR, taken.ports, taken.names);
    console.log(`wrote ${relative(process.cwd(), made.folder)}/: ${made.files.join(', ')}`);
    console.log('\nAdd this entry to adapters/billers.json (before payment-demands):\n');
    console.log(JSON.stringify(made.entry, null, 2));
    const steps = [
      [`npx vitest run adapters/${kind}`, 'the generated contract tests pass as they are'],
      ['edit wire.ts, mapping.ts, client.ts,', "index.ts (descriptor) and sandbox/ to match the biller's real API"],
      ['npm run env:docs', ".env.example, the README's variables and docker compose's biller variables"],
    ];
    console.log('\nThen:');
    for (const [step, why] of steps) console.log(`  ${step?.padEnd(44)}${why}`);
    console.log(`npm start runs its sandbox on :${made.port} (${constant(kind)}_SANDBOX_PORT moves it).`);
  } catch (error) {
    console.error(`new:biller: ${(error as Error).message}`);
    process.exit(1);
  }
}
