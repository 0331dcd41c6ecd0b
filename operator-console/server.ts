import { type StartOptions, startStaffPortal } from '../hub/portal/staff/server.js';
import { mountOperatorConsole } from './app.js';
import type { OperatorConsoleOptions } from './options.js';

export type { StartOptions };

/** Prometheus reads the console's metrics here: /metrics is the console's Metrics page (routes/metrics-routes.ts). */
export const OPERATOR_CONSOLE_METRICS_PATH = '/prometheus';

/** Redis keys of the console's sessions start with this, apart from the portals'. */
export const OPERATOR_CONSOLE_KEY_PREFIX = 'operator-console:';

/** Starts the operator console: the service app (health, readiness on Redis, metrics) with the pages, listening. */
export function startOperatorConsole(options: OperatorConsoleOptions, start: StartOptions) {
  return startStaffPortal(
    {
      name: 'operator-console',
      label: 'operator console',
      keyPrefix: OPERATOR_CONSOLE_KEY_PREFIX,
      metricsPath: OPERATOR_CONSOLE_METRICS_PATH,
      mount: (app, services) => mountOperatorConsole(app, options, services),
    },
    start,
  );
}
