/**
 * An error a portal page shows as a page: `kind` picks the message (errors.<kind> in the
 * catalogs), `status` the HTTP status. The detail is for the log, never shown.
 */
export class PortalError extends Error {
  constructor(
    readonly status: number,
    readonly kind:
      | 'csrf'
      | 'not_found'
      | 'unavailable'
      | 'sign_in_failed'
      | 'not_configured'
      | 'bad_request'
      | 'forbidden',
    detail: string,
  ) {
    super(detail);
    this.name = 'PortalError';
  }
}

/** The citizen must sign in (again): no session, or its tokens can no longer be refreshed. */
export class SignInRequired extends Error {
  constructor(detail = 'sign-in required') {
    super(detail);
    this.name = 'SignInRequired';
  }
}
