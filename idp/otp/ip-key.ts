import { isIPv4, isIPv6 } from 'node:net';

/**
 * The part of a client address that the per-address limits count: an IPv4 address as is (also
 * when written IPv4-mapped, `::ffff:a.b.c.d`), an IPv6 address by its /64, because one home or
 * phone is given a whole /64 (RFC 6177) and could otherwise step to a fresh address per request.
 * Anything else (no address, a proxy's garbage) is counted under its own text.
 */
export function ipKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (!isIPv6(ip)) return ip;
  const address = ip.replace(/%.*$/, '').toLowerCase();
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // A dotted IPv4 tail holds two groups, and lies past the /64 anyway.
  const rightGroups = right.reduce((n, group) => n + (group.includes('.') ? 2 : 1), 0);
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - rightGroups).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
