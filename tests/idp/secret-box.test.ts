import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, parseSecretKey, sealSecret } from '../../idp/crypto/secret-box.js';

const key = randomBytes(32);

/** Flips one bit of one base64url part of a sealed value. */
function tamper(sealed: string, part: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part] as string, 'base64url');
  bytes[0] = (bytes[0] as number) ^ 1;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('the secret box', () => {
  it('round-trips a secret with a fresh iv every time', () => {
    const sealed = sealSecret('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', key);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('JBSWY3DP');
    expect(openSecret(sealed, key)).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(sealSecret('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', key)).not.toBe(sealed);
    expect(openSecret(sealSecret('', key), key)).toBe('');
  });

  it('rejects a tampered ciphertext, tag or iv, another key and a malformed value', () => {
    const sealed = sealSecret('a secret', key);
    expect(() => openSecret(tamper(sealed, 3), key)).toThrow(/failed authentication/);
    expect(() => openSecret(tamper(sealed, 2), key)).toThrow(/failed authentication/);
    expect(() => openSecret(tamper(sealed, 1), key)).toThrow(/failed authentication/);
    expect(() => openSecret(sealed, randomBytes(32))).toThrow(/failed authentication/);
    expect(() => openSecret(sealed.replace(/^v1/, 'v2'), key)).toThrow(/unknown format/);
    expect(() => openSecret(sealed.split('.').slice(0, 3).join('.'), key)).toThrow(/unknown format/);
  });

  it('parses a 32-byte key as base64, base64url or hex and rejects anything else', () => {
    expect(parseSecretKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseSecretKey(key.toString('base64url')).equals(key)).toBe(true);
    expect(parseSecretKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseSecretKey(` ${key.toString('base64')}\n`).equals(key)).toBe(true);
    for (const bad of ['', 'not a key!', randomBytes(16).toString('base64'), randomBytes(33).toString('base64url')]) {
      expect(() => parseSecretKey(bad)).toThrow(/must be 32 bytes/);
    }
    expect(() => sealSecret('x', randomBytes(16))).toThrow(/must be 32 bytes/);
  });
});
