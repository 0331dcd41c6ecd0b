import { describe, expect, it } from 'vitest';
import {
  checkCharacter,
  newReferenceNumber,
  parseReferenceNumber,
  REFERENCE_NUMBER_PATTERN,
} from '../../hub/demands/reference-number.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('demand reference numbers', () => {
  it('look like DM-XXXXX-XXXXX-C in the unambiguous alphabet and read back as themselves', () => {
    for (let i = 0; i < 200; i++) {
      const reference = newReferenceNumber();
      expect(reference).toMatch(REFERENCE_NUMBER_PATTERN);
      expect(parseReferenceNumber(reference)).toBe(reference);
    }
  });

  it('are read however a person types them: lower case, spaces, no prefix, O for 0 and I or L for 1', () => {
    const body = '0011ABCDEF';
    const canonical = `DM-${body.slice(0, 5)}-${body.slice(5)}-${checkCharacter(body)}`;
    expect(parseReferenceNumber(canonical.toLowerCase())).toBe(canonical);
    expect(parseReferenceNumber(`oOiLA BCDEF${checkCharacter(body)}`)).toBe(canonical);
    expect(parseReferenceNumber(`${body}${checkCharacter(body)}`)).toBe(canonical);
  });

  it('catch every single mistyped character by the check character', () => {
    const reference = newReferenceNumber();
    const compact = reference.replace(/-/g, '').slice(2);
    for (let position = 0; position < compact.length; position++) {
      for (const typo of ALPHABET) {
        if (typo === compact[position]) continue;
        const mistyped = compact.slice(0, position) + typo + compact.slice(position + 1);
        expect(parseReferenceNumber(mistyped), `${mistyped} from ${compact}`).toBeNull();
      }
    }
  });

  it('catch every swap of two neighbouring characters but the one Luhn mod 32 cannot see (0 with Z)', () => {
    const missed = new Set<string>();
    for (const a of ALPHABET) {
      for (const b of ALPHABET) {
        if (a === b) continue;
        for (const position of [0, 3, 8]) {
          const body = `${'7K2QX9ZT4M'.slice(0, position)}${a}${b}${'7K2QX9ZT4M'.slice(position + 2)}`;
          const swapped = `${body.slice(0, position)}${b}${a}${body.slice(position + 2)}`;
          if (parseReferenceNumber(swapped + checkCharacter(body)) !== null) missed.add(a + b);
        }
      }
    }
    expect([...missed].sort()).toEqual(['0Z', 'Z0']);
  });

  it('refuse text of the wrong length or outside the alphabet', () => {
    expect(parseReferenceNumber('')).toBeNull();
    expect(parseReferenceNumber('DM-12345-6789')).toBeNull();
    expect(parseReferenceNumber('DM-12345-6789U-0')).toBeNull();
    expect(parseReferenceNumber('HUB0123456789ABCDEFGHJK')).toBeNull();
  });
});
