import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandExists, MissingToolError, startManaged } from './managed-process.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LAUNCHER_DIR = join(ROOT, 'scripts/mongo-server');
const CACHE_ROOT = join(ROOT, 'node_modules/.cache/mongo-java-server');
const READY_TIMEOUT_MS = 60_000;

export interface LocalMongo {
  uri: string;
  stop: () => Promise<void>;
}

/** memory: nothing survives a stop (tests, benchmarks). h2: one file that survives restarts (`npm start`). */
export type MongoStorage = { kind: 'memory' } | { kind: 'h2'; file: string };

/**
 * Starts mongo-java-server (a MongoDB wire-protocol server on the JVM). Its jars come from
 * Maven Central through scripts/mongo-server/pom.xml; the classpath and the compiled
 * launcher (every .java file there) are cached under node_modules/.cache, keyed by their contents.
 */
export async function startMongoServer(storage: MongoStorage): Promise<LocalMongo> {
  const build = prepareLauncher();
  const args = ['-Xss1m', '-XX:+UseSerialGC', '-cp', `${build.classes}:${build.classpath}`, 'MongoLauncher'];
  if (storage.kind === 'memory') args.push('--backend', 'memory');
  else {
    mkdirSync(dirname(storage.file), { recursive: true });
    args.push('--backend', 'h2', '--file', storage.file);
  }
  const server = startManaged('mongo-java-server', 'java', args);
  try {
    const [, address] = await server.waitForLine(/^LISTENING (\S+)$/, READY_TIMEOUT_MS);
    return { uri: `mongodb://${address}`, stop: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

interface LauncherBuild {
  classes: string;
  classpath: string;
}

function prepareLauncher(): LauncherBuild {
  for (const [tool, pkg] of [
    ['java', 'a JDK 17 or newer (Debian: apt-get install default-jdk-headless)'],
    ['javac', 'a JDK 17 or newer (Debian: apt-get install default-jdk-headless)'],
    ['mvn', 'Maven (Debian: apt-get install maven)'],
  ] as const) {
    if (!commandExists(tool)) {
      throw new MissingToolError(tool, `Install ${pkg}, or set MONGODB_URI to a running MongoDB.`);
    }
  }
  const pom = join(LAUNCHER_DIR, 'pom.xml');
  const sources = readdirSync(LAUNCHER_DIR)
    .filter((name) => name.endsWith('.java'))
    .sort()
    .map((name) => join(LAUNCHER_DIR, name));
  const hash = createHash('sha256').update(readFileSync(pom));
  for (const source of sources) hash.update(basename(source)).update(readFileSync(source));
  const key = hash.digest('hex').slice(0, 16);
  const dir = join(CACHE_ROOT, key);
  const cached = readCache(dir);
  if (cached) return cached;

  // Build in a private directory and rename it into place, so concurrent starts cannot see half a build.
  const staging = `${dir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'classes'), { recursive: true });
  const classpathFile = join(staging, 'classpath.txt');
  run('mvn', ['-q', '-B', '-f', pom, 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}`]);
  const classpath = readFileSync(classpathFile, 'utf8').trim();
  run('javac', ['-d', join(staging, 'classes'), '-cp', classpath, ...sources]);
  rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(staging, dir);
  } catch {
    // Another process finished first; its build is identical.
    rmSync(staging, { recursive: true, force: true });
  }
  const built = readCache(dir);
  if (!built) throw new Error(`could not prepare the MongoDB launcher in ${dir}`);
  return built;
}

function readCache(dir: string): LauncherBuild | undefined {
  const classes = join(dir, 'classes');
  const classpathFile = join(dir, 'classpath.txt');
  if (!existsSync(join(classes, 'MongoLauncher.class')) || !existsSync(classpathFile)) return undefined;
  const classpath = readFileSync(classpathFile, 'utf8').trim();
  // The Maven repository may have been cleaned since; then resolve again.
  if (!classpath.split(':').every((jar) => existsSync(jar))) return undefined;
  return { classes, classpath };
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(`${command} ${args.slice(0, 3).join(' ')} failed (exit ${result.status}):\n${output}`);
  }
}
