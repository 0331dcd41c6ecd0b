// Started by the local-services test as a separate process that is then killed with SIGKILL.
import { startLocalServices } from '../../scripts/local-services/index.js';

const services = await startLocalServices({ mode: 'test' }, {});
console.log(JSON.stringify({ mongoUri: services.mongoUri, redisUrl: services.redisUrl }));
setInterval(() => {}, 60_000);
