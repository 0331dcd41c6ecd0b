import { ApiProblem, fetchHubApi, parseProblem } from '../../hub/portal/api/hub-api.js';
import { PortalError } from '../../hub/portal/http/portal-error.js';
import type { SessionHandle } from '../../hub/portal/session/session-cookie.js';
import type { TokenKeeper } from '../../hub/portal/session/token-keeper.js';
import type { DemandJson, DemandListJson } from './types.js';

export { ApiProblem };

/** An upload's answer: how many demands the file holds, their references, and whether all were there already. */
export interface UploadAnswer {
  created: number;
  references: string[];
  replayed: boolean;
}

/** One call: method, a JSON or CSV body, extra headers, and whether the answer is text (CSV). */
interface Call {
  method?: 'GET' | 'POST' | 'PATCH';
  json?: unknown;
  csv?: string;
  headers?: Record<string, string>;
  text?: boolean;
}

/**
 * The hub's provider API for demands (hub/api/routes/demand-routes.ts) as the signed-in member:
 * every call carries the session's access token (refreshed near expiry by the hub portal's
 * TokenKeeper; one 401 refreshes and retries once) and has a timeout. Errors: ApiProblem for a
 * 4xx answer with its problem details, PortalError(404) for an unknown demand, PortalError(503)
 * for a 5xx, a timeout or an unreachable hub.
 */
export class DemandsApi {
  constructor(
    private readonly apiUrl: string,
    private readonly timeoutMs: number,
    private readonly tokens: TokenKeeper,
  ) {}

  /** GET /demands with the filter's query string (already validated by the page). */
  list(session: SessionHandle, query: URLSearchParams): Promise<DemandListJson> {
    return this.call<DemandListJson>(session, `/demands?${query}`);
  }

  /** GET /demands.csv: the export file's text and name. */
  async exportCsv(session: SessionHandle, query: URLSearchParams): Promise<{ text: string; filename: string }> {
    const answer = await this.raw(session, `/demands.csv?${query}`, { text: true });
    const disposition = answer.headers.get('content-disposition') ?? '';
    const filename = /filename="?([\w.-]+)"?/.exec(disposition)?.[1] ?? 'demands.csv';
    return { text: answer.body as string, filename };
  }

  get(session: SessionHandle, reference: string): Promise<DemandJson> {
    return this.call<DemandJson>(session, `/demands/${encodeURIComponent(reference)}`);
  }

  /** POST /demands; `key` (the form's idempotency key) makes a resubmitted form answer the same demand. */
  create(session: SessionHandle, body: unknown, key: string): Promise<DemandJson> {
    return this.call<DemandJson>(session, '/demands', {
      method: 'POST',
      json: body,
      headers: { 'idempotency-key': key },
    });
  }

  /**
   * POST /demand-uploads with the CSV file's text. The hub makes an upload one per organisation and
   * file, so no key is sent: the same file again, from here or the API, answers the same demands,
   * with `replayed` true (the hub's Idempotent-Replayed header) when it raised nothing new.
   */
  async upload(session: SessionHandle, csv: string): Promise<UploadAnswer> {
    const answer = await this.raw(session, '/demand-uploads', { method: 'POST', csv });
    const body = answer.body as { created: number; references: string[] };
    return { ...body, replayed: answer.headers.get('idempotent-replayed') === 'true' };
  }

  cancel(session: SessionHandle, reference: string, reason: string): Promise<DemandJson> {
    return this.call<DemandJson>(session, `/demands/${encodeURIComponent(reference)}/cancel`, {
      method: 'POST',
      json: { reason },
    });
  }

  amend(session: SessionHandle, reference: string, body: unknown): Promise<DemandJson> {
    return this.call<DemandJson>(session, `/demands/${encodeURIComponent(reference)}`, { method: 'PATCH', json: body });
  }

  private async call<T>(session: SessionHandle, path: string, call: Call = {}): Promise<T> {
    return (await this.raw(session, path, call)).body as T;
  }

  private async raw(session: SessionHandle, path: string, call: Call): Promise<{ body: unknown; headers: Headers }> {
    const token = await this.tokens.accessToken(session);
    try {
      return await this.send(path, call, token);
    } catch (error) {
      if (!(error instanceof ApiProblem) || error.status !== 401) throw error;
      return this.send(path, call, await this.tokens.accessToken(session, token));
    }
  }

  private async send(path: string, call: Call, token: string): Promise<{ body: unknown; headers: Headers }> {
    const headers: Record<string, string> = {
      accept: call.text ? 'text/csv, application/problem+json' : 'application/json',
      authorization: `Bearer ${token}`,
      ...call.headers,
    };
    if (call.json !== undefined) headers['content-type'] = 'application/json';
    if (call.csv !== undefined) headers['content-type'] = 'text/csv; charset=utf-8';
    const { response, body: text } = await fetchHubApi(
      `${this.apiUrl}${path}`,
      path,
      { method: call.method ?? 'GET', headers, body: call.json !== undefined ? JSON.stringify(call.json) : call.csv },
      this.timeoutMs,
      // Decoded keeping a leading byte-order mark (Response.text() drops it): the export's BOM is
      // what makes spreadsheets read its Hindi and Bengali text as UTF-8, so it must reach the download.
      async (answer) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(await answer.arrayBuffer()),
    );
    if (response.ok) return { body: call.text ? text : text ? JSON.parse(text) : undefined, headers: response.headers };
    if (response.status >= 500)
      throw new PortalError(503, 'unavailable', `hub API ${path} answered ${response.status}`);
    const problem = parseProblem(text);
    if (response.status === 404) throw new PortalError(404, 'not_found', `hub API ${path}: ${problem.detail ?? ''}`);
    throw new ApiProblem(response.status, problem.code ?? 'error', problem.detail ?? '', problem);
  }
}
