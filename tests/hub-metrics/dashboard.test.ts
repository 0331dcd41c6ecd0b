import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { captureToSettledHistogram, registerHubMetrics } from '../../hub/metrics/index.js';
import type { Connection } from '../../infra/mongo.js';

const ROOT = resolve(import.meta.dirname, '../..');
const OBSERVABILITY = resolve(ROOT, 'infra/observability');

interface Panel {
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: { expr: string }[];
  panels?: Panel[];
}

const dashboard = JSON.parse(
  readFileSync(resolve(OBSERVABILITY, 'grafana/dashboards/billpay-payments.json'), 'utf8'),
) as { uid: string; panels: Panel[]; templating: { list: { name: string; query: string }[] } };
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const expressions = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

/** The series names a registry can expose: each metric's name, and a histogram's _bucket, _sum and _count. */
async function seriesNames(registry: Registry): Promise<Set<string>> {
  const names = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) !== 'histogram') continue;
    for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

/** What the hub and the worker register: the hub's gauges (never computed here) and the worker's histogram. */
async function registered(): Promise<Set<string>> {
  const registry = new Registry();
  registerHubMetrics(registry, {} as Connection, { compute: async () => new Map() });
  registry.registerMetric(captureToSettledHistogram().histogram);
  return seriesNames(registry);
}

describe('the Grafana dashboard', () => {
  it('names in every PromQL expression only metrics the hub and the worker register', async () => {
    const known = await registered();
    expect(expressions.length).toBeGreaterThan(20);
    for (const { panel, expr } of expressions) {
      const used = expr.match(/\bbillpay_[a-z0-9_]+/g) ?? [];
      // A panel pointing at nothing: no billpay_ metric at all, or one nobody registers.
      expect(used.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      for (const name of used) expect(known.has(name), `${panel}: ${name} is not registered`).toBe(true);
    }
  });

  it('shows every billpay_ metric the hub and the worker register', async () => {
    const registry = new Registry();
    registerHubMetrics(registry, {} as Connection, { compute: async () => new Map() });
    registry.registerMetric(captureToSettledHistogram().histogram);
    const used = new Set(expressions.flatMap(({ expr }) => expr.match(/\bbillpay_[a-z0-9_]+/g) ?? []));
    const shown = (name: string) => [name, `${name}_bucket`, `${name}_count`, `${name}_sum`].some((n) => used.has(n));
    const missing = registry
      .getMetricsAsArray()
      .map((m) => m.name)
      .filter((name) => name.startsWith('billpay_') && !shown(name));
    expect(missing).toEqual([]);
  });

  it('reads the provisioned Prometheus data source, and offers the three windows', () => {
    const datasource = readFileSync(resolve(OBSERVABILITY, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8');
    const uid = /uid: (\S+)/.exec(datasource)?.[1];
    expect(uid).toBe('billpay-prometheus');
    for (const p of panels.filter((panel) => panel.targets)) expect(p.datasource?.uid, p.title).toBe(uid);
    expect(dashboard.templating.list.find((v) => v.name === 'window')?.query).toBe('24h,7d,30d');
  });

  it('is what Prometheus scrapes: the hub, the worker, the idp, the provider portal and the operator console', () => {
    const config = readFileSync(resolve(OBSERVABILITY, 'prometheus.yml'), 'utf8');
    const jobs = [...config.matchAll(/job_name: (\S+)/g)].map((m) => m[1]);
    expect(jobs).toEqual(['hub', 'worker', 'idp', 'provider-portal', 'operator-console']);
    const compose = readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8');
    expect(compose).toMatch(/prometheus:\n\s+image: prom\/prometheus:v\d+\.\d+\.\d+\n\s+profiles: \["observability"\]/);
    expect(compose).toMatch(/grafana:\n\s+image: grafana\/grafana:\d+\.\d+\.\d+\n\s+profiles: \["observability"\]/);
  });
});
