import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Stateless CSRF tokens bound to what the form acts on (an interaction, a session): an HMAC
 * another site cannot compute, on top of the SameSite=Lax cookies.
 */
export class CsrfTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('csrf-token-key').digest();
  }

  issue(boundTo: string): string {
    return createHmac('sha256', this.key).update(boundTo).digest('base64url');
  }

  verify(boundTo: string, token: unknown): boolean {
    if (typeof token !== 'string') return false;
    const expected = Buffer.from(this.issue(boundTo));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
