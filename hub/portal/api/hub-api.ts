import { PortalError } from '../http/portal-error.js';
import type { SessionHandle } from '../session/session-cookie.js';
import type { TokenKeeper } from '../session/token-keeper.js';
import type { ComplaintView, NewComplaint, PaymentFeedback, ScoreInput } from './complaint-types.js';

/** A problem+json answer of the hub API (RFC 9457), with its machine-readable `code`. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly body: Record<string, unknown>,
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = 'ApiProblem';
  }
}

/** How to call the API: method, JSON body, extra headers, and whether the answer is bytes. */
export interface ApiRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  /** A JSON body. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Read the answer as bytes (a PDF) instead of JSON. */
  binary?: boolean;
}

/** A successful answer: its status, parsed body (JSON, or a Buffer when binary) and headers. */
export interface ApiAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * The hub API over HTTP, as the portal's pages use it. Every call has a timeout. Citizen calls
 * carry the session's access token (refreshed near expiry); a 401 refreshes once and retries;
 * a second 401 ends the session with PortalError(503), since a fresh token was refused. A session
 * that cannot be refreshed is SignInRequired (from TokenKeeper). Errors: ApiProblem for a 4xx answer,
 * PortalError(404) for a 404, PortalError(503) for a 5xx, a timeout or an unreachable API.
 */
export class HubApi {
  constructor(
    private readonly apiUrl: string,
    private readonly timeoutMs: number,
    private readonly tokens: TokenKeeper,
  ) {}

  /** A call without a token (the biller directory, receipt verification). */
  public<T>(path: string, request: ApiRequest = {}): Promise<ApiAnswer<T>> {
    return this.send<T>(path, request, undefined);
  }

  /** A call as the signed-in citizen of this session. */
  async citizen<T>(session: SessionHandle, path: string, request: ApiRequest = {}): Promise<ApiAnswer<T>> {
    const token = await this.tokens.accessToken(session);
    try {
      return await this.send<T>(path, request, token);
    } catch (error) {
      if (!(error instanceof ApiProblem) || error.status !== 401) throw error;
      const renewed = await this.tokens.accessToken(session, token);
      return this.send<T>(path, request, renewed).catch(async (again: unknown) => {
        if (!(again instanceof ApiProblem) || again.status !== 401) throw again;
        // A token fresh from the idp refused: not the citizen's sign-in but a misconfiguration (audience,
        // keys). Sending the browser to sign in would loop through the idp's single sign-on, so the
        // session ends and the page says the service has a problem.
        await session.end();
        throw new PortalError(503, 'unavailable', 'the hub API refused a freshly refreshed access token');
      });
    }
  }

  /**
   * Raises a complaint (POST /complaints). The same `idempotencyKey` replays the complaint made
   * first (a double submit makes one complaint). Errors as `citizen`: ApiProblem for a refusal
   * (400 invalid_request with `fields`, 404 for a payment or line not the citizen's, 409 …).
   */
  async raiseComplaint(session: SessionHandle, input: NewComplaint, idempotencyKey: string): Promise<ComplaintView> {
    const { body } = await this.citizen<ComplaintView>(session, '/complaints', {
      method: 'POST',
      body: input,
      headers: { 'Idempotency-Key': idempotencyKey },
    });
    return body;
  }

  /** The citizen's complaints, newest first as the hub gives them (GET /complaints → `{complaints}`). */
  async complaints(session: SessionHandle): Promise<ComplaintView[]> {
    const { body } = await this.citizen<{ complaints: ComplaintView[] }>(session, '/complaints');
    return body.complaints;
  }

  /**
   * One of the citizen's complaints (GET /complaints/{id}), or undefined when the hub knows none by
   * that id for this citizen (404: unknown and someone else's alike). `id` must already match COMPLAINT_ID.
   */
  async complaint(session: SessionHandle, id: string): Promise<ComplaintView | undefined> {
    return this.citizen<ComplaintView>(session, `/complaints/${encodeURIComponent(id)}`).then(
      (answer) => answer.body,
      (error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      },
    );
  }

  /**
   * Rates a resolved or rejected complaint (POST /complaints/{id}/rating, score 1..5), once:
   * 'rated'; 'already_rated' or 'not_closed' for the hub's 409 (`complaint_already_rated`, e.g. in
   * another tab; `complaint_not_closed`, not answered yet). Other refusals are thrown (ApiProblem,
   * PortalError 404 for a complaint that is not the citizen's).
   */
  async rateComplaint(
    session: SessionHandle,
    id: string,
    rating: ScoreInput,
  ): Promise<'rated' | 'already_rated' | 'not_closed'> {
    return this.citizen(session, `/complaints/${encodeURIComponent(id)}/rating`, { method: 'POST', body: rating }).then(
      () => 'rated' as const,
      (error: unknown) => {
        if (!(error instanceof ApiProblem) || error.status !== 409) throw error;
        return error.code === 'complaint_not_closed' ? ('not_closed' as const) : ('already_rated' as const);
      },
    );
  }

  /** The citizen's feedback on paying for a payment (GET /payments/{id}/feedback), or undefined when none is given (404). */
  async paymentFeedback(session: SessionHandle, paymentId: string): Promise<PaymentFeedback | undefined> {
    return this.citizen<PaymentFeedback>(session, `/payments/${encodeURIComponent(paymentId)}/feedback`).then(
      (answer) => answer.body,
      (error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      },
    );
  }

  /**
   * Gives feedback on paying (POST /payments/{id}/feedback, score 1..5), once per final payment:
   * 'saved'; 'already_given' or 'not_final' for the hub's 409 (`feedback_already_given`,
   * `payment_not_final`). Other refusals are thrown.
   */
  async giveFeedback(
    session: SessionHandle,
    paymentId: string,
    feedback: ScoreInput,
  ): Promise<'saved' | 'already_given' | 'not_final'> {
    return this.citizen(session, `/payments/${encodeURIComponent(paymentId)}/feedback`, {
      method: 'POST',
      body: feedback,
    }).then(
      () => 'saved' as const,
      (error: unknown) => {
        if (!(error instanceof ApiProblem) || error.status !== 409) throw error;
        return error.code === 'payment_not_final' ? ('not_final' as const) : ('already_given' as const);
      },
    );
  }

  private async send<T>(path: string, request: ApiRequest, token: string | undefined): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {
      accept: request.binary ? 'application/pdf, application/problem+json' : 'application/json',
      ...request.headers,
    };
    if (token) headers.authorization = `Bearer ${token}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const { response, body: raw } = await fetchHubApi(
      `${this.apiUrl}${path}`,
      path,
      {
        method: request.method ?? 'GET',
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      },
      this.timeoutMs,
      (answer) => answer.arrayBuffer(),
    );
    if (response.ok) {
      const body = request.binary
        ? Buffer.from(raw)
        : response.status === 204 || raw.byteLength === 0
          ? undefined
          : JSON.parse(Buffer.from(raw).toString('utf8'));
      return { status: response.status, body: body as T, headers: response.headers };
    }
    if (response.status >= 500) {
      throw new PortalError(503, 'unavailable', `hub API ${path} answered ${response.status}`);
    }
    const problem = parseProblem(Buffer.from(raw).toString('utf8'));
    if (response.status === 404 && !problem.code?.endsWith('_not_found')) {
      throw new PortalError(404, 'not_found', `hub API ${path}: ${problem.detail ?? 'not found'}`);
    }
    throw new ApiProblem(response.status, problem.code ?? 'error', problem.detail ?? '', problem);
  }
}

/** A 404 from the hub, whichever way it was told (a `*_not_found` problem or a plain not found). */
function isNotFound(error: unknown): boolean {
  return (error instanceof ApiProblem || error instanceof PortalError) && error.status === 404;
}

/**
 * One call to the hub API, shared by the citizen and provider portals: no redirects followed,
 * `timeoutMs` for the answer and its body (read by `read`). The hub out of reach, too slow or
 * cut off is PortalError 503 'unavailable'; the caller judges the status.
 */
export async function fetchHubApi<B>(
  url: string,
  path: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  timeoutMs: number,
  read: (response: Response) => Promise<B>,
): Promise<{ response: Response; body: B }> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    return { response, body: await read(response) };
  } catch (error) {
    throw new PortalError(503, 'unavailable', `hub API ${path}: ${(error as Error).message}`);
  }
}

/** A problem+json body's fields, with `code` and `detail` only when they are strings; {} if not JSON. */
export function parseProblem(text: string): Record<string, unknown> & { code?: string; detail?: string } {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    return {
      ...body,
      code: typeof body.code === 'string' ? body.code : undefined,
      detail: typeof body.detail === 'string' ? body.detail : undefined,
    };
  } catch {
    return {};
  }
}
