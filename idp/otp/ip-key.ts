import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Prefix length of one IPv6 customer: a home or a phone is given a whole /64 (RFC 6177). */
const IPV6_CUSTOMER_PREFIX = 64;

/**
 * The one key every value that is not an IP address shares: a forged or broken X-Forwarded-For
 * entry must not open a fresh bucket per spelling, so garbage is limited as a single address.
 */
export const UNPARSED_IP_KEY = 'unparsed';

/**
 * The part of a client address that the per-address limits count: an IPv4 address as is (also
 * when written IPv4-mapped, `::ffff:a.b.c.d`), an IPv6 address by its /64 (`2001:db8:1:2::/64`),
 * because one home or phone could otherwise step to a fresh address per request. Anything else
 * (no address, text, IPv4 in octal or hex shorthand) is UNPARSED_IP_KEY. Only the strict forms of
 * node:net's isIP count as addresses; ipaddr.js normalises them.
 */
export function ipKey(ip: string): string {
  const text = ip.replace(/%.*$/, '');
  if (isIP(text) === 0) return UNPARSED_IP_KEY;
  const address = ipaddr.process(text); // IPv4-mapped IPv6 becomes the IPv4 address
  if (address.kind() === 'ipv4') return address.toString();
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${IPV6_CUSTOMER_PREFIX}`);
  return `${network.toString()}/${IPV6_CUSTOMER_PREFIX}`;
}
