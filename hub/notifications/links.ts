/** Where a message's links lead: pages of the citizen portal under its public URL. */
export interface NotificationLinks {
  /** A payment's page (its lines' states and, once issued, its receipt). */
  payment(paymentId: string): string;
  /** A payment's receipt page. */
  receipt(paymentId: string): string;
  /** The citizen's dues, where a bill is paid (again). */
  dues(): string;
  /** The citizen's autopay settings, where it is paused, resumed or cancelled. */
  autopay(): string;
  /** A complaint's page: its status, timeline and answer. */
  complaint(complaintId: string): string;
}

/** The portal's links under `publicUrl` (PORTAL_PUBLIC_URL, else HUB_PUBLIC_URL, else the hub's own URL). */
export function portalLinks(publicUrl: string): NotificationLinks {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    payment: (id) => `${base}/payments/${encodeURIComponent(id)}`,
    receipt: (id) => `${base}/payments/${encodeURIComponent(id)}/receipt`,
    dues: () => `${base}/dashboard`,
    autopay: () => `${base}/autopay`,
    complaint: (id) => `${base}/complaints/${encodeURIComponent(id)}`,
  };
}
