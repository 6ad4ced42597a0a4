import type { ProviderEntry, ProviderEntryInput } from '@base44-connectors/contract';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProvider } from '../../src/broker/catalog/index.js';
import { launchChromium } from '../support/chromium.js';
import { GOOGLE_SCRIPTS } from './providers/google.js';
import { SLACK_SCRIPTS } from './providers/slack.js';
import { liveOneConnection } from './support/connection-life.js';
import type { ProviderScript } from './support/documented-provider.js';

// The conformance tests prove an entry only if a wrong entry fails them. Each case here ships a
// deliberately wrong entry (through the providers file) and expects the life to fail, with what
// the fake saw in the message.

function scriptFor(scripts: readonly ProviderScript[], type: string): ProviderScript {
  return scripts.find((script) => script.type === type)!;
}

function changed(type: string, change: (entry: ProviderEntry) => ProviderEntryInput): ProviderEntryInput {
  return change(structuredClone(findProvider(type)!));
}

describe('the conformance harness', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('fails an entry that sends Slack the client secret in the body instead of HTTP Basic', async () => {
    const entry = changed('slackbot', (slackbot) => ({
      ...slackbot,
      token: { ...slackbot.token, clientAuthentication: 'client_secret_post' },
    }));
    await expect(liveOneConnection(browser, scriptFor(SLACK_SCRIPTS, 'slackbot'), entry)).rejects.toThrow(
      /HTTP Basic sent where|no HTTP Basic client authentication/,
    );
  });

  it("fails an entry that reads Slack's refreshed user token under authed_user", async () => {
    const entry = changed('slack', ({ token: { refreshResponse: _, ...token }, ...slack }) => ({
      ...slack,
      token,
    }));
    await expect(liveOneConnection(browser, scriptFor(SLACK_SCRIPTS, 'slack'), entry)).rejects.toThrow(
      /no authed_user\.access_token/,
    );
  });

  it('fails an entry that separates Google scopes with commas', async () => {
    const entry = changed('googledrive', (google) => ({ ...google, scopeSeparator: ',' }));
    await expect(liveOneConnection(browser, scriptFor(GOOGLE_SCRIPTS, 'googledrive'), entry)).rejects.toThrow(
      /is not separated by " "/,
    );
  });

  it('fails an entry that does not know the iss Google sends', async () => {
    const { issuer: _, ...entry } = changed('googledrive', (google) => google);
    await expect(liveOneConnection(browser, scriptFor(GOOGLE_SCRIPTS, 'googledrive'), entry)).rejects.toThrow(
      /The answer said to be from Google Drive was refused: Google Drive is not known to send iss/,
    );
  });

  it('fails an entry that leaves out PKCE where the provider takes it', async () => {
    const entry = changed('googledrive', (google) => ({ ...google, pkce: false }));
    await expect(liveOneConnection(browser, scriptFor(GOOGLE_SCRIPTS, 'googledrive'), entry)).rejects.toThrow(
      /missing code_challenge, code_challenge_method/,
    );
  });
});
