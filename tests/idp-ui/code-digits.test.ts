import { describe, expect, it } from 'vitest';
import { asciiCode } from '../../idp/interactions/code-digits.js';

describe('a typed one-time or authenticator code', () => {
  it('keeps ASCII digits and drops spaces, tabs and newlines', () => {
    expect(asciiCode(' 123 456\t\n')).toBe('123456');
  });

  it('turns Devanagari and Bengali digits (Hindi and Bengali keyboards) into ASCII', () => {
    expect(asciiCode('१२३४५६')).toBe('123456');
    expect(asciiCode('০৯৮৭৬৫')).toBe('098765');
    expect(asciiCode('१२3४৫6')).toBe('123456');
  });

  it('leaves other characters of those blocks, and other scripts, for the code check to refuse', () => {
    // A Devanagari letter and an Arabic-Indic digit are not turned into digits.
    expect(asciiCode('क12345')).toBe('क12345');
    expect(asciiCode('٣12345')).toBe('٣12345');
    expect(asciiCode(undefined)).toBe('');
    expect(asciiCode(['123456'])).toBe('');
  });
});
