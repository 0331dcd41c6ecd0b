export {
  type BillerProbe,
  type ContractFixtures,
  type ContractSetup,
  type Fault,
  runAdapterContract,
} from './contract-suite.js';
