/**
 * A fixed piece of CPU work (JSON and string handling, as a server does) timed in this process:
 * the machine's speed at that moment. On a shared virtual machine the same work takes 20-30% more
 * or less time from one minute to the next, so a benchmark records it beside every round, and
 * figures from rounds whose probes differ widely are not comparable.
 */
export function speedProbe(iterations = 200_000): number {
  const started = process.cpuUsage();
  let checksum = 0;
  const shared = { currency: 'INR', amountPaise: 12_345 };
  for (let i = 0; i < iterations; i++) {
    const text = JSON.stringify({ i, shared, consumer: `C${i}` });
    checksum += JSON.parse(text).i & 1;
  }
  const used = process.cpuUsage(started);
  // The checksum keeps the loop from being optimised away; every run gives the same one.
  if (checksum !== Math.floor(iterations / 2)) throw new Error('speed probe: unexpected checksum');
  return Math.round((used.user + used.system) / 100) / 10;
}
