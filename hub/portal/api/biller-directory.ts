import type { BillerDescriptor } from '../../../adapters/sdk/index.js';
import type { HubApi } from './hub-api.js';
import type { BillerList } from './types.js';

const KEEP_MS = 5 * 60_000;

/**
 * The hub's public biller directory (GET /billers, /billers/{id}), kept for five minutes as
 * the API allows (Cache-Control: public, max-age=300): billers change only with a deploy.
 */
export class BillerDirectory {
  private cached?: { at: number; billers: BillerDescriptor[] };

  constructor(private readonly api: HubApi) {}

  async list(): Promise<BillerDescriptor[]> {
    if (this.cached && Date.now() - this.cached.at < KEEP_MS) return this.cached.billers;
    const { body } = await this.api.public<BillerList>('/billers');
    this.cached = { at: Date.now(), billers: body.billers };
    return body.billers;
  }

  /** One biller, or undefined when the hub has none by that id. */
  async get(id: string): Promise<BillerDescriptor | undefined> {
    return (await this.list()).find((biller) => biller.id === id);
  }

  /** Biller names by id, for tables. */
  async names(): Promise<Record<string, string>> {
    return Object.fromEntries((await this.list()).map((biller) => [biller.id, biller.name]));
  }
}
