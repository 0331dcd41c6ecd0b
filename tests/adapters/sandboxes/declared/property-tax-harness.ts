import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { loadDeclaredSandbox } from '../../../../adapters/sandboxes/declared/index.js';
import type { SandboxAppOptions } from '../../../../adapters/sandboxes/shared/biller-sandbox.js';

/** The property tax office's declared sandbox file. */
export const PROPERTY_TAX_SANDBOX_FILE = join(
  resolve(import.meta.dirname, '../../../..'),
  'adapters/property-tax/sandbox.yaml',
);
export const propertyTax = loadDeclaredSandbox(PROPERTY_TAX_SANDBOX_FILE);
export const API_KEY = propertyTax.adapterOptions.apiKey as string;

export interface RunningSandbox {
  baseUrl: string;
  /** A JSON call with the office's key unless `headers` says otherwise; the answer's status and body. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<JsonAnswer>;
  close(): Promise<void>;
}

export interface JsonAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field in assertions
  body: any;
}

/** Starts the property tax sandbox on a free loopback port. */
export async function startPropertyTax(options: SandboxAppOptions = {}): Promise<RunningSandbox> {
  const server: Server = propertyTax.create(options).listen(0, '127.0.0.1');
  await new Promise<void>((ready, fail) => server.once('listening', ready).once('error', fail));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    async call(method, path, body, headers = { 'x-municipal-key': API_KEY }) {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}
