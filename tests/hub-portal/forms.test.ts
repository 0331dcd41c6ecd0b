import { describe, expect, it } from 'vitest';
import { localPath } from '../../hub/portal/http/forms.js';
import { htmlPattern } from '../../hub/portal/routes/consumer-form.js';
import { checkoutKey } from '../../hub/portal/routes/idempotency.js';

describe('return paths', () => {
  it('keeps a path on this site, with its query', () => {
    expect(localPath('/history?status=paid&from=2026-11-01')).toBe('/history?status=paid&from=2026-11-01');
  });

  it.each(['//evil.example/x', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '', '/a b'])(
    'never leads off the site: %s goes to the fallback',
    (path) => {
      expect(localPath(path, '/dashboard')).toBe('/dashboard');
    },
  );
});

describe('consumer field patterns in the browser', () => {
  it('accept what the server accepts: spaces around and Devanagari or Bengali digits', () => {
    const pattern = new RegExp(`^(?:${htmlPattern('\\d{10,12}')})$`, 'v');
    for (const typed of ['1002003004', ' 1002003004 ', '१००२००३००४', '১০০২০০৩০০৪'])
      expect(pattern.test(typed), typed).toBe(true);
    for (const typed of ['10020', 'abc1002003004']) expect(pattern.test(typed), typed).toBe(false);
  });
});

describe('checkout idempotency keys', () => {
  const lines = [{ accountId: 'a', billNumber: 'B1', amountMinor: 100 }];

  it('the same form submitted twice is the same key; another form or another selection is another', () => {
    const key = checkoutKey('session', 'attempt-1', lines);
    expect(checkoutKey('session', 'attempt-1', lines)).toBe(key);
    expect(checkoutKey('session', 'attempt-2', lines)).not.toBe(key);
    expect(
      checkoutKey('session', 'attempt-1', [...lines, { accountId: 'b', billNumber: 'B2', amountMinor: 5 }]),
    ).not.toBe(key);
    expect(key).toMatch(/^[\w.:-]{8,128}$/);
  });
});
