import { createLogger } from '../../infra/logger.js';
import { runService, startService } from '../../infra/service-runtime.js';
import { loadBillers } from '../billers.js';
import { loadHubConfig } from '../config.js';
import { ReceiptService } from '../receipts/receipt-service.js';
import { runSettlementWorker } from '../settlement/index.js';

// The worker process: settlement jobs (posting, polling, refunds) and the sweeper run here,
// apart from the API, with the same health, readiness and metrics endpoints on WORKER_PORT.
await runService('worker', async () => {
  const config = loadHubConfig();
  const log = createLogger('worker');
  const billers = await loadBillers(config.BILLERS_FILE, log);
  return startService({
    name: 'worker',
    port: config.WORKER_PORT,
    mongoUri: config.MONGODB_URI,
    mongoDb: config.HUB_MONGODB_DB,
    redisUrl: config.REDIS_URL,
    logger: log,
    build: async ({ mongo }) => {
      const receipts = new ReceiptService(mongo, billers);
      await receipts.init();
      const settlement = await runSettlementWorker(config, {
        mongo,
        log,
        billers,
        // A payment whose every line is final gets its receipt.
        onPaymentFinal: async (payment) => {
          await receipts.issue(payment);
        },
      });
      return {
        close: async () => {
          await settlement.close();
          await billers.close();
        },
      };
    },
  });
});
