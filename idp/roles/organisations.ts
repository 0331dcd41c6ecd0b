import type { Account } from '../accounts/account-store.js';
import type { RolesFile } from './roles-file.js';

/** The provider organisation a person or a client acts for: its id and display name. */
export interface ProviderIdentity {
  id: string;
  name: string;
}

/** The operator team a person belongs to: its id and display name (the `operator_team` claim). */
export interface OperatorTeam {
  id: string;
  name: string;
}

type MemberAccount = Pick<Account, 'phone' | 'phoneVerified' | 'email' | 'emailVerified'>;

/** The value a map of members holds for an account's verified phone, else its verified email. */
function byVerifiedContact<T>(members: ReadonlyMap<string, T>, account: MemberAccount | null | undefined) {
  if (!account) return undefined;
  const byPhone = account.phone && account.phoneVerified ? members.get(account.phone) : undefined;
  const byEmail = account.email && account.emailVerified ? members.get(account.email) : undefined;
  return byPhone ?? byEmail;
}

/**
 * The organisations of the roles file (roles-file.ts), looked up by member and by client. A person
 * is a member through a contact the idp has verified: an unverified phone or email never makes
 * anyone a member.
 */
export class Organisations {
  private readonly byMember = new Map<string, ProviderIdentity>();
  private readonly byClient = new Map<string, ProviderIdentity>();
  private readonly byOperator = new Map<string, OperatorTeam>();
  private readonly providerPortals: ReadonlySet<string>;
  private readonly operatorConsoles: ReadonlySet<string>;

  constructor(file: RolesFile) {
    this.providerPortals = new Set(file.roles.provider?.portals ?? []);
    this.operatorConsoles = new Set(file.roles.operator?.consoles ?? []);
    for (const organisation of file.organisations) {
      const identity = { id: organisation.id, name: organisation.name };
      if (organisation.role === 'operator') {
        for (const member of organisation.members) this.byOperator.set(member.value, identity);
        continue;
      }
      for (const member of organisation.members) this.byMember.set(member.value, identity);
      for (const client of organisation.clients) this.byClient.set(client, identity);
    }
  }

  /** Whether this client is an operator console: it may ask for the operator scope and ops scopes. */
  isOperatorConsole(clientId: string | undefined): boolean {
    return clientId !== undefined && this.operatorConsoles.has(clientId);
  }

  /** The operator team a person belongs to, through a verified phone or email; undefined for anyone else. */
  operatorTeamOfAccount(account: MemberAccount | null | undefined): OperatorTeam | undefined {
    return byVerifiedContact(this.byOperator, account);
  }

  /** Whether this client may ask for the provider scope and demand scopes for a signed-in person. */
  isProviderPortal(clientId: string | undefined): boolean {
    return clientId !== undefined && this.providerPortals.has(clientId);
  }

  /** The provider a person acts for, through a verified phone or email; undefined for anyone else. */
  providerOfAccount(account: MemberAccount | null | undefined): ProviderIdentity | undefined {
    return byVerifiedContact(this.byMember, account);
  }

  /** The provider a machine client (client credentials) acts for, if any. */
  providerOfClient(clientId: string | undefined): ProviderIdentity | undefined {
    return clientId === undefined ? undefined : this.byClient.get(clientId);
  }
}
