import { resolve } from 'node:path';
import { registryEnvRefs } from '../../adapters/registry/env-refs.js';
import { composeBillersEnvSchema } from '../../adapters/sandboxes/compose-env.js';
import { billerSandboxesEnvSchema } from '../../adapters/sandboxes/config.js';
import {
  DEFAULT_REGISTRY_FILE,
  type RawRegistryEntry,
  type RegistrySandbox,
  registrySandboxes,
  sandboxEnvFor,
} from '../../adapters/sandboxes/registry-sandboxes.js';
import { sandboxWalletEnvSchema } from '../../adapters/sandboxes/wallet/options.js';
import { autopayEnvSchema } from '../../hub/autopay/options.js';
import { complaintEnvSchema } from '../../hub/complaints/options.js';
import { hubEnvSchema, receiptEnvSchema } from '../../hub/config.js';
import { sandboxGatewayEnvSchema } from '../../hub/gateway/sandbox-server/options.js';
import { notificationEnvSchema } from '../../hub/notifications/options.js';
import { idpEnvSchema } from '../../idp/config.js';
import { clientSecretEnvRefs } from '../../idp/provider/clients.js';
import { baseEnvSchema, proxyEnvSchema } from '../../infra/config.js';
import { notifierEnvSchema } from '../../infra/notifier/config.js';
import { observabilityEnvSchema } from '../../infra/observability/config.js';
import { operatorConsoleEnvSchema } from '../../operator-console/config.js';
import { providerPortalEnvSchema } from '../../provider-portal/config.js';
import { startEnvSchema } from '../start-config.js';
import { type SchemaField, schemaField, schemaFields } from './schema-fields.js';

/** The checkout's root: relative defaults (file paths) are read from here. */
export const ROOT = resolve(import.meta.dirname, '../..');

/** One program's reading of a variable: what its schema says about it. */
export interface EnvReading extends SchemaField {
  /** The program that reads it, e.g. "hub"; absent for a part shared by several programs. */
  program?: string;
}

/** A group of variables in the docs: `.env.example`'s `--- title ---` block, a table in the README. */
export interface EnvSection {
  title: string;
  /** A sentence about the group, shown above it. */
  intro?: string;
  /**
   * `shared`: a schema several programs extend (the base schema, the notifier's): its variables are
   * shown here rather than under the first program that reads them. `program`: one program's own.
   */
  kind: 'shared' | 'program';
  readings: EnvReading[];
}

/** One documented variable: the section it is shown in and every reading of it. */
export interface EnvVariable {
  name: string;
  section: string;
  readings: EnvReading[];
}

/** Everything the docs say, in order: sections, each with its variables. */
export interface EnvDocs {
  sections: { title: string; intro?: string; variables: EnvVariable[] }[];
}

const fieldsOf = (schema: Parameters<typeof schemaFields>[0], program?: string): EnvReading[] =>
  schemaFields(schema).map((field) => (program ? { ...field, program } : field));

/** A registry entry's name in the docs, as registryEnvRefs names it. */
const billerOf = (entry: RawRegistryEntry) => entry.id ?? entry.adapter ?? entry.declaration ?? '?';

/**
 * The registry's `{"$env"}` options (the hub reads them through BILLERS_FILE), each described by its
 * biller and option; those `npm start` points at a local sandbox say so.
 */
function registrySection(registryFile: string, sandboxes: RegistrySandbox[]): EnvSection {
  const setByStart = new Map<string, string>();
  for (const { entry, sandbox } of sandboxes) {
    for (const name of Object.keys(sandboxEnvFor(entry, sandbox, 'http://localhost'))) {
      setByStart.set(name, sandbox.name);
    }
  }
  const readings = registryEnvRefs(registryFile).map((ref): EnvReading => {
    const sandbox = setByStart.get(ref.name);
    const local = sandbox ? `; npm start sets the local ${sandbox} sandbox's` : '';
    return {
      name: ref.name,
      program: 'hub',
      description: `${ref.biller}: option ${ref.option}${local}.`,
      ...(ref.default !== undefined ? { default: ref.default } : {}),
      required: false,
    };
  });
  return {
    title: 'billers: the options of the registry (BILLERS_FILE, adapters/billers.json)',
    intro:
      'Each is an {"$env": ...} option of a registry entry, read when the hub loads the registry: an enabled entry\'s variable without a default must be set, or the hub refuses to start. npm start sets those of the billers with a local sandbox.',
    kind: 'program',
    readings,
  };
}

/** The biller sandboxes' variables: the host and book size, and each sandbox's port variable. */
function billerSandboxesSection(sandboxes: RegistrySandbox[]): EnvSection {
  // Two entries of one folder (one biller under two ids) share its sandbox and so its port.
  const firstOfFolder = sandboxes.filter((s, i) => sandboxes.findIndex((other) => other.folder === s.folder) === i);
  const ports = firstOfFolder.map(
    ({ entry, folder, sandbox }): EnvReading => ({
      name: sandbox.portEnv,
      program: 'biller sandboxes',
      description: `The port of the ${sandbox.name} sandbox (adapters/${folder}${billerOf(entry) === folder ? '' : `, for ${billerOf(entry)}`}).`,
      default: String(sandbox.defaultPort),
      required: false,
    }),
  );
  return {
    title: "sandboxes: the utilities' stand-ins (npm run sandboxes, npm start)",
    kind: 'program',
    readings: [...fieldsOf(billerSandboxesEnvSchema, 'biller sandboxes'), ...ports],
  };
}

/** The idp's static clients file (IDP_CLIENTS_FILE's default): the variables holding their secrets. */
function clientSecretReadings(): EnvReading[] {
  const file = schemaField('IDP_CLIENTS_FILE', idpEnvSchema.shape.IDP_CLIENTS_FILE).default;
  if (!file) return [];
  return clientSecretEnvRefs(resolve(ROOT, file)).map((ref) => ({
    name: ref.name,
    program: 'idp',
    description: `The secret of the idp client ${ref.clientId}${ref.clientName ? ` (${ref.clientName})` : ''} in ${file} (at least 32 characters).`,
    required: false,
  }));
}

/**
 * Every section of the docs, in the order they are shown: the shared schemas, then each program's
 * schema, the registry's variables and the biller sandboxes' ports.
 */
export async function envSections(registryFile = DEFAULT_REGISTRY_FILE): Promise<EnvSection[]> {
  const sandboxes = await registrySandboxes(registryFile);
  return [
    {
      title: 'all services',
      kind: 'shared',
      readings: [...fieldsOf(baseEnvSchema), ...fieldsOf(proxyEnvSchema)],
    },
    {
      title: 'idp: OpenID Connect provider',
      kind: 'program',
      readings: [...fieldsOf(idpEnvSchema, 'idp'), ...clientSecretReadings()],
    },
    {
      title: "notifier: one-time codes, receipts and citizens' notifications",
      kind: 'shared',
      readings: fieldsOf(notifierEnvSchema),
    },
    {
      title: 'hub: bill-payment API and citizen portal, and its worker process',
      kind: 'program',
      readings: fieldsOf(hubEnvSchema, 'hub'),
    },
    { title: 'hub: receipts', kind: 'shared', readings: fieldsOf(receiptEnvSchema) },
    {
      title: "hub: citizens' notifications (hub/notifications)",
      kind: 'shared',
      readings: fieldsOf(notificationEnvSchema),
    },
    {
      title: "hub: autopay (hub/autopay), bills paid through a gateway mandate up to the citizen's limit",
      kind: 'shared',
      readings: fieldsOf(autopayEnvSchema),
    },
    {
      title: 'hub: complaints (hub/complaints), promised answer times in hours, calendar time',
      kind: 'shared',
      readings: fieldsOf(complaintEnvSchema),
    },
    registrySection(registryFile, sandboxes),
    billerSandboxesSection(sandboxes),
    {
      title: 'sandbox gateway (npm start, compose)',
      kind: 'program',
      readings: fieldsOf(sandboxGatewayEnvSchema, 'sandbox gateway'),
    },
    {
      title: 'sandbox wallet (npm start)',
      kind: 'program',
      readings: fieldsOf(sandboxWalletEnvSchema, 'sandbox wallet'),
    },
    {
      title: 'provider portal (provider-portal/README.md)',
      kind: 'program',
      readings: fieldsOf(providerPortalEnvSchema, 'provider portal'),
    },
    {
      title: 'operator console (operator-console/README.md)',
      kind: 'program',
      readings: fieldsOf(operatorConsoleEnvSchema, 'operator console'),
    },
    { title: 'npm start only', kind: 'program', readings: fieldsOf(startEnvSchema, 'npm start') },
    { title: 'docker compose', kind: 'program', readings: fieldsOf(composeBillersEnvSchema, 'compose') },
    {
      title: 'compose profile observability (docker compose --profile observability up)',
      kind: 'program',
      readings: fieldsOf(observabilityEnvSchema, 'compose'),
    },
  ];
}

/**
 * The variables grouped for the docs: each variable once, in the first shared section that names
 * it, else the first program section, with every reading of it from every section.
 */
export function groupVariables(sections: EnvSection[]): EnvDocs {
  const home = new Map<string, string>();
  for (const kind of ['shared', 'program'] as const) {
    for (const section of sections.filter((s) => s.kind === kind)) {
      for (const reading of section.readings) if (!home.has(reading.name)) home.set(reading.name, section.title);
    }
  }
  // A variable's readings in section order, those of the section it is shown in first: its value
  // in .env.example is the default there.
  const readingsOf = new Map<string, EnvReading[]>();
  for (const section of sections) {
    for (const reading of section.readings)
      readingsOf.set(reading.name, [...(readingsOf.get(reading.name) ?? []), reading]);
  }
  const homeFirst = (name: string) => {
    const own = sections.find((section) => section.title === home.get(name))?.readings ?? [];
    const readings = readingsOf.get(name) ?? [];
    return [...readings.filter((r) => own.includes(r)), ...readings.filter((r) => !own.includes(r))];
  };
  return {
    sections: sections
      .map((section) => {
        const names = [...new Set(section.readings.map((r) => r.name))].filter(
          (name) => home.get(name) === section.title,
        );
        return {
          title: section.title,
          ...(section.intro ? { intro: section.intro } : {}),
          variables: names.map((name) => ({ name, section: section.title, readings: homeFirst(name) })),
        };
      })
      .filter((section) => section.variables.length > 0),
  };
}

/** The docs' content from the schemas and the registry. */
export async function collectEnvDocs(registryFile = DEFAULT_REGISTRY_FILE): Promise<EnvDocs> {
  return groupVariables(await envSections(registryFile));
}
