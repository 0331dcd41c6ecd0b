import type { AdapterLogger } from '../../adapters/sdk/index.js';
import type { HubConfig } from '../config.js';
import type { WalletProvider } from './port.js';
import { createSandboxWalletClient } from './sandbox-wallet-client.js';

/**
 * The wallet the hub verifies transfers with, from its config: WALLET_URL (the sandbox wallet by
 * default), WALLET_API_KEY, WALLET_TIMEOUT_MS per attempt, one retry (a verify call only reads).
 * Null without an API key: settling by wallet transfer is then not offered.
 */
export function walletProviderFromConfig(
  config: Pick<HubConfig, 'WALLET_URL' | 'WALLET_API_KEY' | 'WALLET_TIMEOUT_MS'>,
  log?: AdapterLogger,
): (WalletProvider & { close(): void }) | null {
  if (!config.WALLET_API_KEY) return null;
  return createSandboxWalletClient(
    { baseUrl: config.WALLET_URL, apiKey: config.WALLET_API_KEY, timeoutMs: config.WALLET_TIMEOUT_MS, retries: 1 },
    log ? { log } : {},
  );
}
