import type { Redis } from '../redis.js';
import type { CapturedMessage, OutgoingMessage, Transport } from './message.js';

/** Enough to read the latest codes; the cap and the expiry keep a long-running dev Redis small. */
const KEEP_PER_RECIPIENT = 50;
const EXPIRE_SECONDS = 3600;

// Newest first, at most ARGV[2] kept, the list expiring ARGV[3] seconds after its latest message;
// one script, so a reader never sees it untrimmed or without its expiry (trimmed only when over).
const captureScript = `
local length = redis.call('LPUSH', KEYS[1], ARGV[1])
if length > tonumber(ARGV[2]) then redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1) end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return length
`;

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
      try {
        await redis.eval(
          captureScript,
          1,
          captureKey(message.to),
          JSON.stringify(captured),
          KEEP_PER_RECIPIENT,
          EXPIRE_SECONDS,
        );
      } catch (error) {
        throw new Error(`capture transport could not store the message: ${(error as Error).message}`);
      }
    },
  };
}

/** The messages captured for one recipient, newest first. */
export async function readCaptured(redis: Redis, to: string): Promise<CapturedMessage[]> {
  const entries = await redis.lrange(captureKey(to), 0, -1);
  return entries.map((entry) => JSON.parse(entry) as CapturedMessage);
}
