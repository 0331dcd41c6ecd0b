/**
 * A fetch that reaches the idp at `internalUrl` for URLs under the public `issuer` (a compose
 * network where the browser's http://localhost:4000 is http://idp:4000 to the server). Other
 * URLs, and every URL when there is no internal address, go as they are.
 */
export function idpFetch(issuer: string, internalUrl: string | undefined): typeof fetch {
  if (!internalUrl) return fetch;
  const publicOrigin = new URL(issuer).origin;
  const internalOrigin = new URL(internalUrl).origin;
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const target = url.startsWith(publicOrigin) ? internalOrigin + url.slice(publicOrigin.length) : url;
    return fetch(input instanceof Request ? new Request(target, input) : target, init);
  };
}

/** True for an http issuer on this machine, the only place plain http is allowed (development, tests). */
export function isLoopbackHttp(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
}
