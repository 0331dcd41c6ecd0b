import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { baseEnvSchema, ConfigError, env, loadConfig } from '../../infra/config.js';

const schema = baseEnvSchema.extend({ HUB_PORT: env.port(3000) });
const valid = { MONGODB_URI: 'mongodb://127.0.0.1:27017', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('configuration from the environment', () => {
  it('applies defaults and coerces numbers', () => {
    const config = loadConfig(schema, { ...valid, HUB_PORT: '3100' });
    expect(config).toMatchObject({ HUB_PORT: 3100, NODE_ENV: 'development', LOG_LEVEL: 'info' });
    expect(loadConfig(schema, valid).HUB_PORT).toBe(3000);
  });

  it('refuses a bad variable with a message naming it', () => {
    const attempt = () => loadConfig(schema, { ...valid, REDIS_URL: 'localhost:6379' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
  });

  it('names every bad or missing variable at once', () => {
    try {
      loadConfig(schema, { REDIS_URL: 'redis://x', HUB_PORT: '70000', NODE_ENV: 'staging' });
      expect.unreachable('loadConfig accepted a bad environment');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const names = (error as ConfigError).problems.map((p) => p.split(':')[0]);
      expect(names.sort()).toEqual(['HUB_PORT', 'MONGODB_URI', 'NODE_ENV']);
    }
  });

  it('treats an empty variable as unset, so its default applies or its absence is named', () => {
    expect(loadConfig(schema, { ...valid, HUB_PORT: '' }).HUB_PORT).toBe(3000);
    expect(() => loadConfig(schema, { ...valid, MONGODB_URI: '' })).toThrow(/MONGODB_URI: /);
  });

  it('accepts only http(s) URLs where a URL is expected', () => {
    const urls = z.object({ IDP_ISSUER: env.url() });
    expect(loadConfig(urls, { IDP_ISSUER: 'https://id.example.gov' }).IDP_ISSUER).toBe('https://id.example.gov');
    expect(() => loadConfig(urls, { IDP_ISSUER: 'ftp://id.example.gov' })).toThrow(/IDP_ISSUER/);
  });
});
