import type { TestProject } from 'vitest/node';
import { startLocalServices } from '../../scripts/local-services/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    redisUrl: string;
  }
}

/** One MongoDB and one Redis for the whole run; each test file isolates itself by database and prefix. */
export default async function setup(project: TestProject) {
  const services = await startLocalServices({ mode: 'test' });
  project.provide('mongoUri', services.mongoUri);
  project.provide('redisUrl', services.redisUrl);
  return () => services.stop();
}
