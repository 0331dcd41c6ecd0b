/**
 * Runs the three utility sandboxes (`npm run sandboxes`, and inside `npm start`):
 * electricity on 4101, water on 4102, gas on 4103 unless their *_SANDBOX_PORT say otherwise.
 * SANDBOX_CONSUMERS sets how many consumers each biller has (default 200, 10-200,000; see
 * shared/population.ts): benchmarks that pay every bill once ask for more.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type Koa from 'koa';
import { createElectricityDiscomSandbox, ELECTRICITY_DISCOM_SANDBOX_PORT } from './electricity-discom/app.js';
import { createPipedGasSandbox, PIPED_GAS_SANDBOX_PORT } from './piped-gas/app.js';
import { sandboxConsumersFromEnv } from './shared/population.js';
import { createWaterBoardSandbox, WATER_BOARD_SANDBOX_PORT } from './water-board/app.js';

// Loopback unless told otherwise (compose sets 0.0.0.0 inside its containers).
const host = process.env.SANDBOX_HOST || '127.0.0.1';
const consumers = sandboxConsumersFromEnv();
const sandboxes: [string, Koa, number][] = [
  [
    'electricity',
    createElectricityDiscomSandbox({ consumers }),
    Number(process.env.ELECTRICITY_SANDBOX_PORT ?? ELECTRICITY_DISCOM_SANDBOX_PORT),
  ],
  ['water', createWaterBoardSandbox({ consumers }), Number(process.env.WATER_SANDBOX_PORT ?? WATER_BOARD_SANDBOX_PORT)],
  ['gas', createPipedGasSandbox({ consumers }), Number(process.env.GAS_SANDBOX_PORT ?? PIPED_GAS_SANDBOX_PORT)],
];

const servers: Server[] = [];
for (const [name, app, port] of sandboxes) {
  const server = app.listen(port, host);
  await once(server, 'listening');
  servers.push(server);
  console.log(JSON.stringify({ msg: `${name} sandbox listening`, url: `http://localhost:${port}`, consumers }));
}

const stop = () => {
  for (const server of servers) {
    server.close();
    server.closeAllConnections();
  }
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
