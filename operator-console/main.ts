import { startOptionsOf } from '../hub/portal/staff/server.js';
import { runService } from '../infra/service-runtime.js';
import { loadOperatorConsoleConfig } from './config.js';
import { operatorConsoleOptionsOf } from './options.js';
import { startOperatorConsole } from './server.js';

await runService('operator-console', async () => {
  const config = loadOperatorConsoleConfig();
  return startOperatorConsole(
    operatorConsoleOptionsOf(config),
    startOptionsOf('operator-console', config.OPERATOR_CONSOLE_PORT, config),
  );
});
