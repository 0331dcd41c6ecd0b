import type { Redis } from '../redis.js';
import type { CapturedMessage, OutgoingMessage, Transport } from './message.js';

/** Enough to read the latest codes; the cap and the expiry keep a long-running dev Redis small. */
const KEEP_PER_RECIPIENT = 50;
const EXPIRE_SECONDS = 3600;

function captureKey(to: string): string {
  return `notifier:capture:${to}`;
}

/**
 * Stores messages in Redis instead of delivering them (development and tests), so that any
 * process (a test, the portal's dev inbox) can read what another process sent.
 */
export function createCaptureTransport(redis: Redis): Transport {
  return {
    async send(message: OutgoingMessage): Promise<void> {
      const captured: CapturedMessage = { ...message, sentAt: new Date().toISOString() };
      const key = captureKey(message.to);
      // One MULTI so a reader never sees the list untrimmed or without its expiry.
      const results = await redis
        .multi()
        .lpush(key, JSON.stringify(captured))
        .ltrim(key, 0, KEEP_PER_RECIPIENT - 1)
        .expire(key, EXPIRE_SECONDS)
        .exec();
      const failed = results === null ? new Error('transaction aborted') : results.find(([error]) => error)?.[0];
      if (failed) throw new Error(`capture transport could not store the message: ${failed.message}`);
    },
  };
}

/** The messages captured for one recipient, newest first. */
export async function readCaptured(redis: Redis, to: string): Promise<CapturedMessage[]> {
  const entries = await redis.lrange(captureKey(to), 0, -1);
  return entries.map((entry) => JSON.parse(entry) as CapturedMessage);
}
