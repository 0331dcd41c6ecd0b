// The payers' messages of demands live with the other messages (hub/notifications/demand-notices.ts);
// the demand routes and app.ts take them from here.
export {
  type DemandNoticeDeps,
  demandNotices as demandReceivedNotices,
  demandPayUrl,
  demandReceivedEvent,
} from '../../notifications/demand-notices.js';
