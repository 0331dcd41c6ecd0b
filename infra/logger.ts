import { type Logger, pino } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line, whatever object they appear in. */
const REDACT = [
  'password',
  'secret',
  'token',
  'otp',
  'code',
  '*.password',
  '*.secret',
  '*.token',
  '*.otp',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
