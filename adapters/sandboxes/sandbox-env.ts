import { defaultSandboxCredentials as electricity } from './electricity-discom/app.js';
import { defaultSandboxCredentials as gas } from './piped-gas/app.js';
import { checkedConsumerCount } from './shared/population.js';
import { defaultSandboxCredentials as water } from './water-board/app.js';

/**
 * The variables adapters/billers.json reads, set to the sandboxes' own credentials: what
 * `npm start` gives the hub so its adapters talk to the local sandboxes.
 */
export function sandboxBillerEnv(): Record<string, string> {
  return {
    ELECTRICITY_API_KEY: electricity.apiKey,
    WATER_AGENCY_CODE: water.agencyCode,
    WATER_HMAC_SECRET: water.hmacSecret,
    GAS_CLIENT_ID: gas.clientId,
    GAS_CLIENT_SECRET: gas.clientSecret,
    // The property-tax office's declared sandbox key (adapters/property-tax/sandbox.yaml).
    PROPERTY_TAX_API_KEY: 'sandbox-city-property-tax-0001',
  };
}

/**
 * The variable that sizes every sandbox's books (`npm run sandboxes` reads it): `consumers` per
 * biller, checked as shared/population.ts says (throws RangeError out of bounds).
 */
export function sandboxPopulationEnv(consumers: number): Record<string, string> {
  return { SANDBOX_CONSUMERS: String(checkedConsumerCount(consumers, 'sandbox consumers')) };
}
