import { type Job, Queue, QueueEvents, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, type Redis } from '../../infra/redis.js';
import { redisUrl, uniqueName } from '../support/isolation.js';

interface Posting {
  lineId: string;
  amountMinor: number;
}

describe('a BullMQ job on the local Redis', () => {
  const name = uniqueName('settle');
  const connections: Redis[] = [];
  const connect = () => {
    const redis = createRedis(redisUrl(), { forBlockingCommands: true });
    connections.push(redis);
    return redis;
  };
  const attemptsByJob = new Map<string, number>();
  let queue: Queue<Posting, string>;
  let events: QueueEvents;
  let worker: Worker<Posting, string>;

  beforeAll(async () => {
    queue = new Queue(name, { connection: connect() });
    events = new QueueEvents(name, { connection: connect() });
    worker = new Worker<Posting, string>(
      name,
      async (job: Job<Posting, string>) => {
        const attempt = (attemptsByJob.get(job.id as string) ?? 0) + 1;
        attemptsByJob.set(job.id as string, attempt);
        // The first attempt fails as a biller outage would; the retry succeeds.
        if (attempt === 1) throw new Error('biller unavailable');
        return `posted ${job.data.lineId} for ${job.data.amountMinor}`;
      },
      { connection: connect(), concurrency: 4 },
    );
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), worker.waitUntilReady()]);
  });

  afterAll(async () => {
    await worker.close();
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await Promise.all(connections.map((c) => c.quit()));
  });

  it('retries a failed attempt and returns the result of the successful one', async () => {
    const job = await queue.add(
      'post',
      { lineId: 'line-1', amountMinor: 125_000 },
      { jobId: 'line-1', attempts: 3, backoff: { type: 'fixed', delay: 20 } },
    );
    const result = await job.waitUntilFinished(events, 10_000);
    expect(result).toBe('posted line-1 for 125000');
    expect(attemptsByJob.get('line-1')).toBe(2);
    const finished = await queue.getJob('line-1');
    expect(finished?.attemptsMade).toBe(2);
  });

  it('ignores a second job with the same jobId', async () => {
    const opts = { jobId: 'line-2', attempts: 3, backoff: { type: 'fixed', delay: 20 } } as const;
    const [first, second] = await Promise.all([
      queue.add('post', { lineId: 'line-2', amountMinor: 500 }, opts),
      queue.add('post', { lineId: 'line-2', amountMinor: 999_999 }, opts),
    ]);
    expect(second.id).toBe(first.id);
    await first.waitUntilFinished(events, 10_000);
    // A third add after completion is still deduplicated while the finished job is kept.
    const third = await queue.add('post', { lineId: 'line-2', amountMinor: 1 }, opts);
    expect(third.id).toBe('line-2');
    const stored = await queue.getJob('line-2');
    expect(stored?.data.amountMinor).toBe(500);
    expect(stored?.returnvalue).toBe('posted line-2 for 500');
    expect(attemptsByJob.get('line-2')).toBe(2);
    expect(await queue.getJobCounts('waiting', 'delayed', 'active')).toEqual({ waiting: 0, delayed: 0, active: 0 });
  });
});
