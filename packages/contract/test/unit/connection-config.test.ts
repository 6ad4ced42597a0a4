import { describe, expect, it } from 'vitest';
import { settingProblems } from '../../src/connection-config.js';

const loginHost = {
  name: 'login_host',
  description: 'Where the org signs in',
  required: false,
  validation_pattern: '^(login|test)\\.salesforce\\.com$',
  validation_error: 'must be login.salesforce.com or test.salesforce.com',
};
const tenant = { name: 'tenant', description: 'The tenant id', required: true };

describe('settings checked against the fields a connector declares', () => {
  it('accepts values their patterns match, and leaves optional fields out', () => {
    expect(settingProblems([loginHost, tenant], { login_host: 'test.salesforce.com', tenant: 'x' })).toEqual(
      [],
    );
    expect(settingProblems([loginHost, tenant], { tenant: 'x' })).toEqual([]);
  });

  it("names a value its pattern refuses, in the field's own words", () => {
    expect(settingProblems([loginHost], { login_host: 'evil.example.com' })).toEqual([
      { name: 'login_host', message: 'must be login.salesforce.com or test.salesforce.com' },
    ]);
  });

  it('matches the whole value, whatever the pattern anchors itself', () => {
    const loose = { ...loginHost, validation_pattern: 'salesforce\\.com', validation_error: undefined };
    expect(settingProblems([loose], { login_host: 'evil.com?salesforce.com' })).toEqual([
      { name: 'login_host', message: 'must match salesforce\\.com' },
    ]);
  });

  it('names a setting the connector does not declare, and the ones it does', () => {
    expect(settingProblems([loginHost], { loginhost: 'test.salesforce.com' })).toEqual([
      { name: 'loginhost', message: 'is not a setting of this connector ("login_host")' },
    ]);
    expect(settingProblems([], { region: 'eu' })).toEqual([
      { name: 'region', message: 'is not a setting of this connector (it has none)' },
    ]);
  });

  it('names a required setting that is missing', () => {
    expect(settingProblems([tenant], {})).toEqual([
      { name: 'tenant', message: 'is required (The tenant id)' },
    ]);
  });
});
