import { describe, expect, it } from 'vitest';
import { ipKey, UNPARSED_IP_KEY } from '../../idp/otp/index.js';

describe('the address key of the OTP limits', () => {
  it('keeps an IPv4 address, also when written IPv4-mapped', () => {
    expect(ipKey('203.0.113.9')).toBe('203.0.113.9');
    expect(ipKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });

  it('counts an IPv6 address by its /64 in RFC 5952 form, however it is written', () => {
    const keys = ['2001:db8:a:b::1', '2001:0DB8:000a:000b:ffff:0:0:1', '2001:db8:a:b:1:2:3:4', 'fe80::1%eth0'];
    expect(keys.map(ipKey)).toEqual(['2001:db8:a:b::/64', '2001:db8:a:b::/64', '2001:db8:a:b::/64', 'fe80::/64']);
    expect(ipKey('::1')).toBe('::/64');
    expect(ipKey('2001:db8:a:c::1')).not.toBe(ipKey('2001:db8:a:b::1'));
  });

  it('puts everything that is not an address in one shared bucket, so sprayed garbage opens no fresh ones', () => {
    const garbage = [
      'unknown',
      'garbage',
      'garbage2',
      '',
      ' 203.0.113.9',
      '0x7f.1',
      '127.1',
      '203.0.113.9:443',
      '<script>',
    ];
    expect(new Set(garbage.map(ipKey))).toEqual(new Set([UNPARSED_IP_KEY]));
    expect(UNPARSED_IP_KEY).toBe('unparsed');
  });
});
