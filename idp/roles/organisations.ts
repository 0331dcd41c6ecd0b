import type { Account } from '../accounts/account-store.js';
import type { RolesFile } from './roles-file.js';

/** The provider organisation a person or a client acts for: its id and display name. */
export interface ProviderIdentity {
  id: string;
  name: string;
}

/**
 * The organisations of the roles file (roles-file.ts), looked up by member and by client. A person
 * is a member through a contact the idp has verified: an unverified phone or email never makes
 * anyone a member.
 */
export class Organisations {
  private readonly byMember = new Map<string, ProviderIdentity>();
  private readonly byClient = new Map<string, ProviderIdentity>();
  private readonly providerPortals: ReadonlySet<string>;

  constructor(file: RolesFile) {
    this.providerPortals = new Set(file.roles.provider?.portals ?? []);
    for (const organisation of file.organisations) {
      const identity = { id: organisation.id, name: organisation.name };
      for (const member of organisation.members) this.byMember.set(member.value, identity);
      for (const client of organisation.clients) this.byClient.set(client, identity);
    }
  }

  /** Whether this client may ask for the provider scope and demand scopes for a signed-in person. */
  isProviderPortal(clientId: string | undefined): boolean {
    return clientId !== undefined && this.providerPortals.has(clientId);
  }

  /** The provider a person acts for, through a verified phone or email; undefined for anyone else. */
  providerOfAccount(
    account: Pick<Account, 'phone' | 'phoneVerified' | 'email' | 'emailVerified'> | null | undefined,
  ): ProviderIdentity | undefined {
    if (!account) return undefined;
    const byPhone = account.phone && account.phoneVerified ? this.byMember.get(account.phone) : undefined;
    const byEmail = account.email && account.emailVerified ? this.byMember.get(account.email) : undefined;
    return byPhone ?? byEmail;
  }

  /** The provider a machine client (client credentials) acts for, if any. */
  providerOfClient(clientId: string | undefined): ProviderIdentity | undefined {
    return clientId === undefined ? undefined : this.byClient.get(clientId);
  }
}
