export { type HubActionDeps, hubReconActions, type ReconActions } from './actions.js';
export { classify, type Evidence, type GatewayTotals } from './classify.js';
export { AUTO_RESOLVED, caseKey, DIFFERENCE_CLASSES, type Difference, type DifferenceClass } from './differences.js';
export { formatReport } from './format-report.js';
export { createGatewayReportClient, type GatewayReportClientOptions } from './gateway-report-client.js';
export { type HubRecords, hubRecords } from './hub-records.js';
export { dayToReconcile, isReportDate, istDateOf, istDayBounds, shiftDate } from './ist-day.js';
export {
  type BillerCollectionSource,
  collectionSources,
  type GatewayOrderSource,
  type GatewayReportSource,
  type GatewaySettlementReport,
  type GatewaySettlementRow,
} from './ports.js';
export { type ClassCounts, type ReconCase, type ReconReport, ReconStore } from './recon-store.js';
export { type Outcome, type ReconDeps, type ReconResult, runReconciliation } from './run-reconciliation.js';
export { type ReconWiring, reconciliationDeps } from './wiring.js';
