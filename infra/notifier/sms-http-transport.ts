import axios, { isAxiosError } from 'axios';
import type { OutgoingMessage, Transport } from './message.js';

export interface SmsHttpTransportOptions {
  /** The gateway endpoint that takes POST { to, text }. */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token: string;
  /** Deadline for the whole request, connection included. */
  timeoutMs?: number;
}

/** Sends SMS through an HTTP gateway. Its errors name the gateway status only: never the token or the text. */
export function createSmsHttpTransport({ url, token, timeoutMs = 5000 }: SmsHttpTransportOptions): Transport {
  const client = axios.create({
    timeout: timeoutMs,
    // A redirect is an error, not a reason to resend the bearer token elsewhere.
    maxRedirects: 0,
    validateStatus: () => true,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
  });
  return {
    async send(message: OutgoingMessage): Promise<void> {
      if (message.channel !== 'sms') throw new Error(`SMS gateway transport sends sms only, not ${message.channel}`);
      let status: number;
      try {
        // axios' timeout only covers socket inactivity; the signal bounds a slow trickle too.
        const response = await client.post(
          url,
          { to: message.to, text: message.text },
          { signal: AbortSignal.timeout(timeoutMs) },
        );
        status = response.status;
      } catch (error) {
        // A fresh Error without `cause`: axios errors carry the request config, headers and body included.
        throw new Error(`SMS gateway request failed without a status: ${failureReason(error, timeoutMs)}`);
      }
      if (status < 200 || status >= 300) throw new Error(`SMS gateway answered status ${status}`);
    },
  };
}

function failureReason(error: unknown, timeoutMs: number): string {
  if (!isAxiosError(error)) return 'unexpected error';
  if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT' || error.code === 'ERR_CANCELED') {
    return `no answer within ${timeoutMs} ms`;
  }
  return error.code ?? 'network error';
}
