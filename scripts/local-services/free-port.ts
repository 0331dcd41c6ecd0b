import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The lowest port tried: above the well-known and most registered service ports. */
const LOWEST = 10_000;

/**
 * Asks for a free loopback port that a service of ours will bind a moment later.
 *
 * On Linux the port is picked at random below the kernel's ephemeral range
 * (`/proc/sys/net/ipv4/ip_local_port_range`, 32768 and up by default) and checked by binding it.
 * A port the kernel handed out for `listen(0)` would do too, but the kernel hands the same range
 * to every other `listen(0)` and outgoing connection: in a busy test run, a port freed here could
 * be taken by another server or socket in the seconds before our service binds it (seen as
 * EADDRINUSE). Below the ephemeral range only another explicit choice like this one can collide.
 * Elsewhere (no such file), the kernel's choice is used.
 */
export async function freePort(): Promise<number> {
  const ephemeralStart = ephemeralRangeStart();
  if (ephemeralStart !== undefined && ephemeralStart - LOWEST > 1_000) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = randomInt(LOWEST, ephemeralStart);
      if (handedOut.has(port)) continue;
      // Claimed before the check, so two calls in flight at once cannot both take it.
      remember(port);
      if (await canBind(port)) return port;
    }
  }
  const port = await kernelPort();
  remember(port);
  return port;
}

/**
 * Ports this process handed out lately. Several ports asked for in a row (one per service of
 * `npm start`) are all still free until the services bind them, so a second random pick of the
 * same port would pass the bind check: two services given one port (1 run in about 500 with ten).
 */
const handedOut = new Set<number>();
const REMEMBERED = 1_000;

function remember(port: number): void {
  handedOut.add(port);
  if (handedOut.size > REMEMBERED) handedOut.delete(handedOut.values().next().value as number);
}

function ephemeralRangeStart(): number | undefined {
  try {
    const [start] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return start !== undefined && Number.isInteger(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
