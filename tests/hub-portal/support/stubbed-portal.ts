import { type StubRoute, startApiStub } from './api-stub.js';
import { type PortalStack, startPortalStack } from './portal-stack.js';

/** A portal stack whose hub API calls pass through a stub; `close` ends both. */
export interface StubbedPortal {
  stack: PortalStack;
  close: () => Promise<void>;
}

/**
 * Starts a stub answering `route` in front of a real hub, and a portal stack talking to the stub
 * (PORTAL_API_URL) with the extra `env`; everything the route does not answer reaches that hub.
 * If the stack fails to start, the stub is closed and the error rethrown.
 */
export async function startStubbedPortal(route: StubRoute, env: Record<string, string> = {}): Promise<StubbedPortal> {
  const stub = await startApiStub(route);
  let stack: PortalStack;
  try {
    stack = await startPortalStack({ env: { PORTAL_API_URL: stub.url, ...env } });
  } catch (error) {
    stub.close();
    throw error;
  }
  stub.target(stack.hub.url);
  return {
    stack,
    close: async () => {
      await stack.close();
      stub.close();
    },
  };
}
