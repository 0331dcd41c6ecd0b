/**
 * A compact JWS (a JWT, a receipt token) whose signature differs from `jws`'s, by its first
 * character. Not the last: the last base64url character of a signature carries padding bits, so
 * some changes to it decode to the very same signature and the "forgery" would still verify.
 */
export function forgedJws(jws: string): string {
  const [header, payload, signature = ''] = jws.split('.');
  const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
  return [header, payload, flipped].join('.');
}
