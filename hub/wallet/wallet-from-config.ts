import type { AdapterLogger } from '../../adapters/sdk/index.js';
import type { Connection } from '../../infra/mongo.js';
import type { HubConfig } from '../config.js';
import type { DemandStore } from '../demands/demand-store.js';
import type { WalletProvider } from './port.js';
import { createSandboxWalletClient } from './sandbox-wallet-client.js';
import { WalletSettlement, type WalletSettlementOptions } from './settle-by-wallet.js';

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

/**
 * The wallet settlement the hub's API offers, on the hub's demand store, with its indexes
 * built, or null without WALLET_API_KEY; with `notifications`, a settled transfer's payer is told.
 *  `close` releases the wallet client's sockets.
 */
export async function walletSettlementFromConfig(
  config: Pick<HubConfig, 'WALLET_URL' | 'WALLET_API_KEY' | 'WALLET_TIMEOUT_MS' | 'WALLET_PAYEE'>,
  mongo: Connection,
  demands: DemandStore,
  log?: AdapterLogger,
  notifications?: WalletSettlementOptions['notifications'],
): Promise<{ settlement: WalletSettlement; close(): void } | null> {
  const wallet = walletProviderFromConfig(config, log);
  if (!wallet) return null;
  const settlement = new WalletSettlement(mongo, demands, wallet, {
    payee: config.WALLET_PAYEE,
    ...(notifications ? { notifications } : {}),
  });
  await settlement.init();
  return { settlement, close: () => wallet.close() };
}
