export { amountOptionProblems } from './amount-options.js';
export { type AmountCheck, checkAmount, payableOn } from './amount-rules.js';
export { parseCollectionCsv } from './collection-csv.js';
export { normaliseConsumerValue, validateConsumer } from './consumer.js';
export type {
  AmountOption,
  Bill,
  BillerCategory,
  BillerDescriptor,
  BillerOperations,
  BillLine,
  CallOptions,
  CollectionEntry,
  ConsumerParam,
  ConsumerRef,
  Exactness,
  FetchRequirement,
  PaymentPosting,
  PostingResult,
  PostingStatus,
} from './contract.js';
export {
  type AdapterContext,
  type AdapterDefinition,
  AdapterDefinitionError,
  type AdapterLogger,
  defineAdapter,
} from './define-adapter.js';
export { isDuplicateReference, statusIfDuplicate } from './duplicate-reference.js';
export {
  BillerError,
  BillerRejectedError,
  BillerUnavailableError,
  ConsumerNotFoundError,
  InvalidConsumerNumberError,
} from './errors.js';
export {
  type BillerHttp,
  type BillerHttpOptions,
  type BillerRequest,
  type BillerResponse,
  createBillerHttp,
} from './http-client.js';
export { decimalToMinor, maskName } from './mask.js';
export { mapBillerStatus, type StatusVocabulary } from './status-map.js';
export { type AccessToken, TokenCache, type TokenCacheOptions } from './token-cache.js';
