/**
 * `npm run idp:keys -- list` shows the idp's signing keys;
 * `npm run idp:keys -- rotate [--grace-hours 24]` adds a new signing key and retires the
 * others after the grace period (long enough for every token they signed to expire).
 * Running idp processes sign with the new key after their next restart; until their old keys
 * retire, every process still publishes them, so no live token stops verifying.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { idpEnvSchema } from '../idp/config.js';
import { parseSecretKey } from '../idp/crypto/secret-box.js';
import { listSigningKeys, rotateSigningKeys } from '../idp/provider/signing-keys.js';
import { loadConfig } from '../infra/config.js';
import { connectMongo } from '../infra/mongo.js';

const { MONGODB_URI, IDP_MONGODB_DB, IDP_DATA_KEY } = idpEnvSchema.shape;
const schema = z.object({ MONGODB_URI, IDP_MONGODB_DB, IDP_DATA_KEY });

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { 'grace-hours': { type: 'string', default: '24' } },
});
const command = positionals[0];
if (command !== 'list' && command !== 'rotate') {
  console.error('usage: npm run idp:keys -- list | rotate [--grace-hours 24]');
  process.exit(2);
}
const graceHours = Number(values['grace-hours']);
if (!Number.isFinite(graceHours) || graceHours < 1) {
  console.error('--grace-hours must be a number of hours, at least 1 (tokens live up to an hour)');
  process.exit(2);
}

const config = loadConfig(schema);
const dataKey = parseSecretKey(config.IDP_DATA_KEY);
const mongo = await connectMongo(config.MONGODB_URI, { dbName: config.IDP_MONGODB_DB });
try {
  if (command === 'rotate') {
    const result = await rotateSigningKeys(mongo, dataKey, graceHours * 3600);
    console.log(
      `added signing key ${result.added}; ${result.retiring} older key(s) retire in ${graceHours} h; removed ${result.removed} expired key(s)`,
    );
  }
  for (const key of await listSigningKeys(mongo)) {
    console.log(
      `${key.kid}  created ${key.createdAt.toISOString()}  ${key.retireAt ? `retires ${key.retireAt.toISOString()}` : 'signing'}`,
    );
  }
} finally {
  await mongo.close();
}
