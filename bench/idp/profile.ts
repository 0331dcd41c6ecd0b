import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface ProfileSummary {
  seconds: number;
  /** Share of the profiled wall time the server's thread was not idle. */
  busyPercent: number;
  /** Self time by where the code lives (a package, node core, our folders, GC), % of busy time. */
  byArea: { area: string; percent: number }[];
  /** Self time of single functions, % of busy time. */
  topFunctions: { fn: string; percent: number }[];
  /** Time spent inside (inclusive) selected well-known operations, % of busy time. */
  inclusive: { what: string; percent: number }[];
}

const REPO_ROOT = new URL('../../', import.meta.url).href;

function areaOf({ url, functionName }: CallFrame): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)') return functionName;
    return 'native (V8 builtins, crypto, JSON)';
  }
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first = '', second = ''] = url.slice(modules + '/node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  if (url.startsWith('node:')) return 'node core';
  if (url.startsWith(REPO_ROOT)) return `ours: ${url.slice(REPO_ROOT.length).split('/')[0]}/`;
  return url;
}

const shortUrl = (url: string) => {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  return url.startsWith(REPO_ROOT) ? url.slice(REPO_ROOT.length) : url;
};

/** Frames whose inclusive time says something about the design: what each costs per request. */
const INCLUSIVE: { what: string; match: (frame: CallFrame) => boolean }[] = [
  // The RSA math itself runs on libuv's thread pool (WebCrypto), outside this thread's profile.
  {
    what: 'JWT signing on the main thread (oidc-provider jwt.sign)',
    match: (f) => f.url.endsWith('/oidc-provider/lib/helpers/jwt.js') && f.functionName === 'sign',
  },
  {
    what: 'Redis client (ioredis)',
    match: (f) => f.url.includes('/ioredis/') || f.url.includes('/redis-errors/') || f.url.includes('/denque/'),
  },
  { what: 'MongoDB (mongoose + driver + bson)', match: (f) => /\/(mongoose|mongodb|bson)\//.test(f.url) },
  { what: 'pino logging', match: (f) => f.url.includes('/pino/') },
  { what: 'prom-client metrics', match: (f) => f.url.includes('/prom-client/') },
  { what: 'helmet headers', match: (f) => f.url.includes('/helmet/') },
  { what: 'HTML pages (idp/views)', match: (f) => f.url.includes('/idp/views/') },
  { what: 'GC', match: (f) => f.functionName === '(garbage collector)' },
];

/** Self and inclusive time of a V8 .cpuprofile, summarised; inclusive time counts a frame once per stack. */
export function summariseProfile(file: string, top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const totalSamples = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const idle = profile.nodes
    .filter((node) => node.callFrame.functionName === '(idle)')
    .reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const busy = Math.max(1, totalSamples - idle);
  const pct = (samples: number) => Math.round((samples / busy) * 1000) / 10;

  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits || node.callFrame.functionName === '(idle)') continue;
    const area = areaOf(node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + hits);
    const { functionName, url, lineNumber } = node.callFrame;
    const fn = `${functionName || '(anonymous)'} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ''}`.trim();
    functions.set(fn, (functions.get(fn) ?? 0) + hits);
    // Walk up the stack once, crediting each operation at most once.
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame) break;
      for (const { what, match } of INCLUSIVE) {
        if (!seen.has(what) && match(frame)) {
          seen.add(what);
          inclusive.set(what, (inclusive.get(what) ?? 0) + hits);
        }
      }
    }
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return {
    seconds: Math.round((profile.endTime - profile.startTime) / 1e4) / 100,
    busyPercent: Math.round((busy / Math.max(1, totalSamples)) * 1000) / 10,
    byArea: sorted(areas)
      .slice(0, top)
      .map(([area, hits]) => ({ area, percent: pct(hits) })),
    topFunctions: sorted(functions)
      .slice(0, top)
      .map(([fn, hits]) => ({ fn, percent: pct(hits) })),
    inclusive: sorted(inclusive).map(([what, hits]) => ({ what, percent: pct(hits) })),
  };
}
