/** A closed-loop load: `concurrency` callers, each calling again as soon as its call returns. */
export interface LoadResult {
  calls: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export async function runLoad(
  call: (i: number) => Promise<unknown>,
  concurrency: number,
  seconds: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let counter = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await call(counter++);
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    calls: latencies.length,
    errors,
    perSecond: Math.round(latencies.length / elapsed),
    p50Ms: Math.round(at(0.5) * 100) / 100,
    p99Ms: Math.round(at(0.99) * 100) / 100,
  };
}
