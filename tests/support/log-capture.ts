import type * as LoggerModule from '../../infra/logger.js';

/**
 * infra/logger.js with every logger writing its JSON lines into `lines` instead of stdout, at
 * level info and without redaction (a secret must not reach the logger at all, redacted or not).
 * For `vi.mock('../../infra/logger.js', async (original) => capturingLoggerModule(await original(), lines))`
 * with `lines` from `vi.hoisted`.
 */
export async function capturingLoggerModule(
  original: typeof LoggerModule,
  lines: string[],
): Promise<typeof LoggerModule> {
  const { pino } = await import('pino');
  return {
    ...original,
    createLogger: (service: string) =>
      pino({ name: service, level: 'info', base: { service } }, { write: (line: string) => lines.push(line) }),
  };
}
