import { describe, expect, it } from 'vitest';
import { loadRoles } from '../../idp/roles/index.js';
import { consoleOperator, operatorClaims } from '../../idp/roles/operator-claims.js';
import { exampleClients, roleProblemsOf, rolesFile } from './support/roles-file.js';

const CLIENTS = [
  { client_id: 'partner-portal', grant_types: ['authorization_code', 'refresh_token'] },
  { client_id: 'operator-console', grant_types: ['authorization_code', 'refresh_token'] },
  { client_id: 'bulk-api', grant_types: ['client_credentials'] },
];

const problemsOf = (content: unknown) => roleProblemsOf(content, CLIENTS);

const verifiedPhone = (phone: string) => ({ phone, phoneVerified: true, emailVerified: false });

describe('the operator role in the roles file', () => {
  it('the example files make +919800000009 and ops@example.org operators of BillPay Operations at the operator-console client', () => {
    const clients = exampleClients();
    expect(clients.find((c) => c.client_id === 'operator-console')).toMatchObject({
      require_pkce: true,
      first_party: true,
      redirect_uris: ['http://localhost:5100/auth/callback'],
    });
    const organisations = loadRoles('idp/roles.example.json', clients);
    expect(organisations.isOperatorConsole('operator-console')).toBe(true);
    expect(organisations.isOperatorConsole('partner-portal')).toBe(false);
    const team = { id: 'billpay-ops', name: 'BillPay Operations' };
    expect(organisations.operatorTeamOfAccount(verifiedPhone('+919800000009'))).toEqual(team);
    expect(
      organisations.operatorTeamOfAccount({ email: 'ops@example.org', emailVerified: true, phoneVerified: false }),
    ).toEqual(team);
    // The provider's member is no operator, and the operator no provider's member.
    expect(organisations.operatorTeamOfAccount(verifiedPhone('+919800000001'))).toBeUndefined();
    expect(organisations.providerOfAccount(verifiedPhone('+919800000009'))).toBeUndefined();
  });

  it('an unverified phone or email never makes anyone an operator, and no other client learns the role', () => {
    const { file, remove } = rolesFile({
      roles: { operator: { consoles: ['operator-console'] } },
      organisations: [{ role: 'operator', id: 'ops', name: 'Ops', members: ['+919800000009'] }],
    });
    const organisations = loadRoles(file, CLIENTS);
    remove();
    expect(
      organisations.operatorTeamOfAccount({ phone: '+919800000009', phoneVerified: false, emailVerified: false }),
    ).toBeUndefined();
    const account = verifiedPhone('+919800000009');
    expect(consoleOperator(organisations, 'operator-console', account)).toEqual({ id: 'ops', name: 'Ops' });
    expect(consoleOperator(organisations, 'partner-portal', account)).toBeUndefined();
    expect(consoleOperator(organisations, undefined, account)).toBeUndefined();
    expect(operatorClaims({ id: 'ops', name: 'Ops' })).toEqual({ roles: ['operator'], operator_team: 'Ops' });
    expect(operatorClaims(undefined)).toEqual({});
  });

  it('names a console the clients file lacks or that signs no one in, an operator in two teams, and clients on an operator team', () => {
    const problems = problemsOf({
      roles: { operator: { consoles: ['operator-console', 'ghost-console', 'bulk-api'] } },
      organisations: [
        { role: 'operator', id: 'ops-a', name: 'Ops A', members: ['+919800000009'] },
        { role: 'operator', id: 'ops-b', name: 'Ops B', members: ['+919800000009'] },
      ],
    }).join('\n');
    expect(problems).toContain('roles.operator.consoles: ghost-console is not a client of the clients file');
    expect(problems).toContain('roles.operator.consoles: bulk-api does not sign people in');
    expect(problems).toContain('+919800000009 is already a member of ops-a (one operator per person)');
    // A schema problem: an operator team has no machine clients.
    const schema = problemsOf({
      organisations: [{ role: 'operator', id: 'ops-c', name: 'Ops C', members: [], clients: ['bulk-api'] }],
    }).join('\n');
    expect(schema).toMatch(/organisations\.0.*clients/);
  });

  it('lets one person be a provider member and an operator: the roles are separate', () => {
    expect(
      problemsOf({
        roles: { provider: { portals: ['partner-portal'] }, operator: { consoles: ['operator-console'] } },
        organisations: [
          { role: 'provider', id: 'halls', name: 'Halls', members: ['+919800000009'] },
          { role: 'operator', id: 'ops', name: 'Ops', members: ['+919800000009'] },
        ],
      }),
    ).toEqual([]);
  });
});
