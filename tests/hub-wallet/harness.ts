import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWalletSandbox } from '../../adapters/sandboxes/wallet/app.js';
import { DemandStore } from '../../hub/demands/demand-store.js';
import type { WalletProvider } from '../../hub/wallet/port.js';
import { createSandboxWalletClient } from '../../hub/wallet/sandbox-wallet-client.js';
import { WalletSettlement } from '../../hub/wallet/settle-by-wallet.js';
import type { Connection } from '../../infra/mongo.js';

export const API_KEY = 'test-wallet-api-key-5d1e';
export const MERCHANT = 'CITIZENBILLPAY';
/** Per attempt; generous for a call on this machine, far below the injected latency. */
export const CLIENT_TIMEOUT_MS = 2_000;
/** Longer than every attempt of the client together: a call in it times out. */
export const SLOW_MS = 8_000;

export interface SeedTransfer {
  transactionId?: string;
  payerWallet: string;
  payee?: string;
  amount: number;
  paidAt?: string;
}

export interface WalletHarness {
  baseUrl: string;
  client: WalletProvider & { close(): void };
  /** A raw call to the sandbox (the API key on /v1 unless headers say otherwise). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Seeds a transfer through the control endpoint; answers it as the sandbox does. */
  seed(transfer: SeedTransfer): Promise<{ transactionId: string; amount: number; paidAt: string }>;
  fault(fault: Record<string, unknown>): Promise<void>;
  /** How often the sandbox was asked about a transaction. */
  verifications(transactionId: string): Promise<number>;
  close(): Promise<void>;
}

/** The sandbox wallet on 127.0.0.1 and the hub's client over it (no retries: one attempt per call). */
export async function startWallet(): Promise<WalletHarness> {
  const app = createWalletSandbox({ apiKey: API_KEY, defaultPayee: MERCHANT });
  const server = http.createServer(app.callback());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = createSandboxWalletClient({ baseUrl, apiKey: API_KEY, timeoutMs: CLIENT_TIMEOUT_MS, retries: 0 });
  const call: WalletHarness['call'] = (method, path, body, headers = {}) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${API_KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    baseUrl,
    client,
    call,
    async seed(transfer) {
      const res = await call('POST', '/__sandbox/transfers', transfer);
      if (res.status !== 201 && res.status !== 200) throw new Error(`seed answered ${res.status}`);
      return (await res.json()) as { transactionId: string; amount: number; paidAt: string };
    },
    async fault(fault) {
      const res = await call('POST', '/__sandbox/faults', fault);
      if (res.status !== 204) throw new Error(`fault answered ${res.status}`);
    },
    async verifications(transactionId) {
      const res = await call('GET', `/__sandbox/transfers?transactionId=${transactionId}`);
      const body = (await res.json()) as { transfers: { verifications: number }[] };
      return body.transfers[0]?.verifications ?? 0;
    },
    async close() {
      client.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The demand store and the wallet settlement over one database and a wallet. */
export async function settlementOver(conn: Connection, wallet: WalletProvider) {
  const demands = new DemandStore(conn);
  const settlement = new WalletSettlement(conn, demands, wallet, { payee: MERCHANT });
  await settlement.init();
  return { demands, settlement };
}
