export type Channel = 'email' | 'sms';

/** One email or SMS. `text` may hold a one-time code: it is never logged. */
export interface OutgoingMessage {
  channel: Channel;
  /** An email address for 'email', an E.164 phone number for 'sms'. */
  to: string;
  /** Email only; SMS has no subject. */
  subject?: string;
  text: string;
  /** Email only; optional HTML alternative of `text`. */
  html?: string;
}

/** Delivers messages of the channels it supports; rejects when delivery fails. */
export interface Transport {
  send(message: OutgoingMessage): Promise<void>;
}

/** A message kept by the capture transport, as development tools and tests read it back. */
export interface CapturedMessage extends OutgoingMessage {
  sentAt: string;
}
