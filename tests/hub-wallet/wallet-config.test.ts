import { describe, expect, it } from 'vitest';
import { loadHubConfig } from '../../hub/config.js';
import { walletProviderFromConfig } from '../../hub/wallet/wallet-from-config.js';

const base = {
  MONGODB_URI: 'mongodb://localhost/x',
  REDIS_URL: 'redis://localhost',
  GATEWAY_API_KEY: 'k'.repeat(16),
  GATEWAY_WEBHOOK_SECRET: 's'.repeat(16),
};

describe('wallet settings', () => {
  it('the hub talks to the local sandbox wallet by default, as the hub merchant, with a 5 s timeout', () => {
    const config = loadHubConfig(base);
    expect(config).toMatchObject({
      WALLET_URL: 'http://localhost:4120',
      WALLET_PAYEE: 'CITIZENBILLPAY',
      WALLET_TIMEOUT_MS: 5_000,
    });
  });

  it('without an API key no wallet is offered; with one the client is built', () => {
    expect(walletProviderFromConfig(loadHubConfig(base))).toBeNull();
    const wallet = walletProviderFromConfig(loadHubConfig({ ...base, WALLET_API_KEY: 'sandbox-wallet-key-0001' }));
    expect(wallet?.identifier).toBe('sandbox');
    wallet?.close();
  });

  it('a wallet URL that is not a URL stops the hub at start-up, naming the variable', () => {
    expect(() => loadHubConfig({ ...base, WALLET_URL: 'not a url' })).toThrow(/WALLET_URL/);
  });
});
