export type {
  CreatedMandate,
  CreateMandateInput,
  GatewayMandate,
  MandateCharge,
  MandateChargeInput,
  MandateGateway,
  MandateStatus,
} from './mandate-port.js';
export * from './port.js';
export {
  createSandboxGatewayClient,
  type SandboxGatewayClientContext,
  type SandboxGatewayClientOptions,
  sandboxGatewayClientOptionsSchema,
} from './sandbox-gateway-client.js';
export { DEFAULT_TOLERANCE_SECONDS, SIGNATURE_HEADER, signatureHeader, verifySignature } from './webhook-signature.js';
