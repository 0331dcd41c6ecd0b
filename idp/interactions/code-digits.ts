/**
 * A one-time or authenticator code as typed, made comparable: spaces removed and the Indian
 * scripts' decimal digits (Devanagari ०-९, Bengali ০-৯, and the other Brahmic blocks
 * U+0966…U+0D6F, each with its zero at offset 0x66 of its block) turned into ASCII, since a Hindi or
 * Bengali keyboard types those. Anything else is left for the code check to refuse.
 */
export function asciiCode(input: unknown): string {
  if (typeof input !== 'string') return '';
  return input.replace(/\s+/g, '').replace(/[\u0966-\u0d6f]/g, (ch) => {
    const offset = (ch.codePointAt(0) as number) & 0x7f;
    return offset >= 0x66 && offset <= 0x6f ? String(offset - 0x66) : ch;
  });
}
