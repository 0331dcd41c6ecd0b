// oidc-provider 9 modules used by refresh-rotation.ts; plain JavaScript without typings.
declare module 'oidc-provider/lib/actions/grants/refresh_token.js' {
  import type Provider from 'oidc-provider';
  import type { KoaContextWithOIDC } from 'oidc-provider';
  /** The provider's refresh_token grant, registered bound to the provider and its grant helpers. */
  export function handler(provider: Provider, helpers: Record<string, unknown>, ctx: KoaContextWithOIDC): Promise<void>;
  /** The grant's own parameters (without `resource`, which the provider adds with resource indicators). */
  export const parameters: Set<string>;
}
declare module 'oidc-provider/lib/helpers/grants.js';
declare module 'oidc-provider/lib/helpers/resolve_resource.js' {
  import type { KoaContextWithOIDC } from 'oidc-provider';
  /** The resource an access token is for (RFC 8707); throws InvalidTarget for one not granted. */
  export default function resolveResource(
    ctx: KoaContextWithOIDC,
    model: unknown,
    config: { userinfo: unknown; resourceIndicators: unknown },
    scopes: Set<string>,
  ): Promise<string | undefined>;
}
declare module 'oidc-provider/lib/helpers/weak_cache.js' {
  import type Provider from 'oidc-provider';
  import type { KoaContextWithOIDC, ResourceServer } from 'oidc-provider';
  /** The provider's resolved configuration. */
  export default function instance(provider: Provider): {
    configuration: {
      features: {
        userinfo: { enabled: boolean };
        resourceIndicators: {
          enabled: boolean;
          getResourceServerInfo(ctx: KoaContextWithOIDC, indicator: string, client: unknown): Promise<ResourceServer>;
        };
      };
    };
  };
}
