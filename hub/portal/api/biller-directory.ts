import type { BillerDescriptor } from '../../../adapters/sdk/index.js';
import { PortalError } from '../http/portal-error.js';
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

  /** The biller a page's `billerId` names; a PortalError 404 when the hub has none by that id. */
  async require(id: string): Promise<BillerDescriptor> {
    const found = await this.get(id);
    if (!found) throw new PortalError(404, 'not_found', `no biller ${id}`);
    return found;
  }

  /** Biller names by id, for tables. */
  async names(): Promise<Record<string, string>> {
    return Object.fromEntries((await this.list()).map((biller) => [biller.id, biller.name]));
  }
}
