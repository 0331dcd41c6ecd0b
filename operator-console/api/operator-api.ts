import { ApiProblem, fetchHubApi, parseProblem } from '../../hub/portal/api/hub-api.js';
import { PortalError } from '../../hub/portal/http/portal-error.js';
import type { SessionHandle } from '../../hub/portal/session/session-cookie.js';
import type { TokenKeeper } from '../../hub/portal/session/token-keeper.js';

export { ApiProblem };

/**
 * The hub's operator API (/api/v1/operator/*) as the signed-in operator: every call carries the
 * session's access token (refreshed near expiry by the hub portal's TokenKeeper; one 401
 * refreshes and retries once) and has a timeout. Each area of the console calls its own paths
 * through `get` and `post`. Errors: ApiProblem for a 4xx answer with its problem details (a
 * refused action's words are its `detail`), PortalError(404) for an unknown payment or case,
 * PortalError(503) for a 5xx, a timeout or an unreachable hub.
 */
export class OperatorApi {
  constructor(
    private readonly apiUrl: string,
    private readonly timeoutMs: number,
    private readonly tokens: TokenKeeper,
  ) {}

  /** GET `path` (under /api/v1, e.g. `/operator/payments`) with an optional query string. */
  get<T>(session: SessionHandle, path: string, query?: URLSearchParams): Promise<T> {
    const search = query?.toString();
    return this.call<T>(session, search ? `${path}?${search}` : path, 'GET');
  }

  /** POST a JSON `body` to `path` (an action: its body carries the operator's `reason`). */
  post<T>(session: SessionHandle, path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
    return this.call<T>(session, path, 'POST', body, headers);
  }

  /** PUT a JSON `body` to `path` (a whole setting, such as the risk rules). */
  put<T>(session: SessionHandle, path: string, body: unknown): Promise<T> {
    return this.call<T>(session, path, 'PUT', body);
  }

  private async call<T>(
    session: SessionHandle,
    path: string,
    method: 'GET' | 'POST' | 'PUT',
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const token = await this.tokens.accessToken(session);
    try {
      return await this.send<T>(path, method, token, body, headers);
    } catch (error) {
      if (!(error instanceof ApiProblem) || error.status !== 401) throw error;
      return this.send<T>(path, method, await this.tokens.accessToken(session, token), body, headers);
    }
  }

  private async send<T>(
    path: string,
    method: string,
    token: string,
    body: unknown,
    extra: Record<string, string>,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}`, ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const { response, body: text } = await fetchHubApi(
      `${this.apiUrl}${path}`,
      path,
      { method, headers, body: body !== undefined ? JSON.stringify(body) : undefined },
      this.timeoutMs,
      (answer) => answer.text(),
    );
    if (response.ok) return (text ? JSON.parse(text) : undefined) as T;
    if (response.status >= 500)
      throw new PortalError(503, 'unavailable', `hub API ${path} answered ${response.status}`);
    const problem = parseProblem(text);
    if (response.status === 404) throw new PortalError(404, 'not_found', `hub API ${path}: ${problem.detail ?? ''}`);
    throw new ApiProblem(response.status, problem.code ?? 'error', problem.detail ?? '', problem);
  }
}
