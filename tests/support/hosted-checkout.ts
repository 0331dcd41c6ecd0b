/**
 * Pays an order the way a citizen does on the sandbox gateway's hosted checkout page: the page's
 * form POSTed to `checkoutUrl` with a method and the outcome the sandbox should give. The gateway
 * answers 303 to the merchant's return URL, which is not followed.
 */
export function payAtHostedCheckout(
  checkoutUrl: string,
  { method = 'upi', outcome = 'success' }: { method?: string; outcome?: string } = {},
): Promise<Response> {
  return fetch(checkoutUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ method, outcome }),
    redirect: 'manual',
  });
}
