/** Made once: building a DateTimeFormat costs far more than formatting with it. */
const INDIAN_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' });

/**
 * Today's date in India as YYYY-MM-DD. Billers' due dates are Indian dates: early and late
 * amounts switch at midnight IST, whatever the server's time zone.
 */
export function todayInIndia(now = new Date()): string {
  return INDIAN_DATE.format(now);
}
