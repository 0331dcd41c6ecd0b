import { describe, expect, it } from 'vitest';
import { ACR_CODE, ACR_CODE_AND_APP, acrOf, acrToRecord, essentialAcrs } from '../../idp/provider/acr.js';

describe('choosing the acr a login records', () => {
  it('reads essential acr values from the claims parameter, by value or by values, and ignores voluntary ones', () => {
    expect(essentialAcrs(JSON.stringify({ id_token: { acr: { essential: true, value: ACR_CODE } } }))).toEqual([
      ACR_CODE,
    ]);
    expect(
      essentialAcrs(JSON.stringify({ id_token: { acr: { essential: true, values: [ACR_CODE_AND_APP, 7] } } })),
    ).toEqual([ACR_CODE_AND_APP]);
    expect(essentialAcrs(JSON.stringify({ id_token: { acr: { values: [ACR_CODE_AND_APP] } } }))).toBeUndefined();
    expect(essentialAcrs(JSON.stringify({ userinfo: { acr: { essential: true, value: ACR_CODE } } }))).toBeUndefined();
    expect(essentialAcrs(undefined)).toBeUndefined();
  });

  it('a login with the app reaches code-and-app, and a code alone reaches code', () => {
    expect(acrOf(['email', 'otp'])).toBe(ACR_CODE_AND_APP);
    expect(acrOf(['sms'])).toBe(ACR_CODE);
  });

  it('records the level reached unless an essential request asks for another level it satisfies', () => {
    const essential = (...values: string[]) => JSON.stringify({ id_token: { acr: { essential: true, values } } });
    expect(acrToRecord(ACR_CODE_AND_APP, undefined)).toBe(ACR_CODE_AND_APP);
    expect(acrToRecord(ACR_CODE_AND_APP, essential(ACR_CODE))).toBe(ACR_CODE);
    expect(acrToRecord(ACR_CODE_AND_APP, essential(ACR_CODE, ACR_CODE_AND_APP))).toBe(ACR_CODE_AND_APP);
    expect(acrToRecord(ACR_CODE, essential(ACR_CODE_AND_APP))).toBeUndefined();
    expect(acrToRecord(ACR_CODE, essential('urn:someone-else:loa:3'))).toBeUndefined();
  });
});
