import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('server configuration', () => {
  it('defaults to SQLite in ~/.base44-server on 127.0.0.1:4044', () => {
    const config = loadConfig({}, {});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 4044,
      dataDir: join(homedir(), '.base44-server'),
      databaseUrl: undefined,
      publicUrl: 'http://127.0.0.1:4044',
    });
    expect(config.login.pollIntervalSeconds).toBe(5);
  });

  it('lets a flag win over its environment variable', () => {
    const config = loadConfig(
      { port: '5000' },
      { BASE44_SERVER_PORT: '6000', BASE44_SERVER_HOST: '0.0.0.0' },
    );
    expect(config.port).toBe(5000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.publicUrl).toBe('http://127.0.0.1:5000');
  });

  it('turns the switches on by flag, or by their environment variable set to 1 or true', () => {
    expect(loadConfig({}, {})).toMatchObject({ sandbox: false, publicApiOnly: false });
    expect(loadConfig({ publicApiOnly: true }, {}).publicApiOnly).toBe(true);
    expect(loadConfig({}, { BASE44_PUBLIC_API_ONLY: '1' }).publicApiOnly).toBe(true);
    expect(loadConfig({}, { BASE44_PUBLIC_API_ONLY: 'true' }).publicApiOnly).toBe(true);
    expect(loadConfig({}, { BASE44_PUBLIC_API_ONLY: '0' }).publicApiOnly).toBe(false);
    expect(loadConfig({}, { BASE44_SERVER_SANDBOX: '1' }).sandbox).toBe(true);
  });

  it('brackets an IPv6 host in the public URL and trims a trailing slash from a given one', () => {
    expect(loadConfig({ host: '::1' }, {}).publicUrl).toBe('http://[::1]:4044');
    expect(loadConfig({ publicUrl: 'https://b44.example.com/' }, {}).publicUrl).toBe(
      'https://b44.example.com',
    );
  });

  it('ends browser sessions after 12 idle hours and 7 days from sign-in, unless the environment says otherwise', () => {
    expect(loadConfig({}, {}).sessions).toEqual({ idleTimeoutSeconds: 43_200, lifetimeSeconds: 604_800 });
    const config = loadConfig(
      {},
      { BASE44_SERVER_SESSION_LIFETIME: '86400', BASE44_SERVER_SESSION_IDLE_TIMEOUT: '3600' },
    );
    expect(config.sessions).toEqual({ idleTimeoutSeconds: 3600, lifetimeSeconds: 86_400 });
    expect(() => loadConfig({}, { BASE44_SERVER_SESSION_LIFETIME: '1.5' })).toThrow(
      'BASE44_SERVER_SESSION_LIFETIME must be a whole number ≥ 1',
    );
  });

  it('refuses what it cannot use, naming the setting', () => {
    expect(() => loadConfig({ port: '70000' }, {})).toThrow(
      '--port must be a whole number from 0 to 65535 (got "70000")',
    );
    expect(() => loadConfig({ port: 0 }, {})).toThrow('--port 0 needs --public-url');
    expect(() => loadConfig({ databaseUrl: 'mysql://root:hunter2@db/x' }, {})).toThrow(
      '--database-url must start with postgres:// (got "mysql://root:***@db/x")',
    );
    expect(() => loadConfig({}, { BASE44_SERVER_DEVICE_POLL_INTERVAL: '0' })).toThrow(
      'BASE44_SERVER_DEVICE_POLL_INTERVAL',
    );
  });
});
