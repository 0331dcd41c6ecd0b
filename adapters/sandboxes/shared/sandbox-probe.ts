import type { ConsumerRef } from '../../sdk/contract.js';
import type { BillerProbe, Fault } from '../../sdk/testkit/index.js';

/** The contract suite's probe for a sandbox, over its /__sandbox controls. */
export function sandboxProbe(baseUrl: string, consumerKey: (consumer: ConsumerRef) => string): BillerProbe {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/__sandbox${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) throw new Error(`sandbox control ${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.status === 204 ? undefined : res.json();
  };
  return {
    inject: async (consumer: ConsumerRef, fault: Fault) => {
      await call('POST', '/faults', { consumer: consumerKey(consumer), ...fault });
    },
    reset: async () => {
      await call('DELETE', '/faults');
    },
    postingsWith: async (reference: string) =>
      ((await call('GET', `/postings?reference=${encodeURIComponent(reference)}`)) as { count: number }).count,
  };
}
