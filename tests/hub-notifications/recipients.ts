import { randomInt, randomUUID } from 'node:crypto';

/** A phone number and email of their own per test: captured messages are kept per recipient in the shared Redis. */
export function freshRecipient(): { sub: string; phone: string; email: string } {
  const id = randomUUID().slice(0, 8);
  return {
    sub: `citizen-${id}`,
    phone: `+9198${String(randomInt(10_000_000, 99_999_999))}`,
    email: `citizen-${id}@example.in`,
  };
}
