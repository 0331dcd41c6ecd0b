export { type BillerRegistry, loadBillerRegistry, type RegisteredBiller, RegistryError } from './load-registry.js';
