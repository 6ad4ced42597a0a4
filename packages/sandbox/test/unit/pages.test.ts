import { describe, expect, it } from 'vitest';
import { consentPage, errorPage, escapeHtml, signInPage } from '../../src/pages.js';

const HOSTILE = `"><script>alert('x')</script>&`;
const ESCAPED = '&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;';

describe('the sandbox pages', () => {
  it('escape the five HTML-significant characters', () => {
    expect(escapeHtml(HOSTILE)).toBe(ESCAPED);
  });

  it('escape every value they echo', () => {
    const pages = [
      signInPage({ action: HOSTILE, email: HOSTILE, error: HOSTILE }),
      consentPage({ action: HOSTILE, clientId: HOSTILE, email: HOSTILE, scopes: [HOSTILE] }),
      errorPage(HOSTILE, { [HOSTILE]: HOSTILE }),
    ];

    for (const page of pages) {
      expect(page).not.toContain('<script>');
      expect(page).toContain(ESCAPED);
    }
  });

  it('each say they are the SANDBOX, not the real provider', () => {
    const pages = [
      signInPage({ action: '/a' }),
      consentPage({ action: '/a', clientId: 'c', email: 'e@x', scopes: [] }),
      errorPage('t', {}),
    ];

    for (const page of pages)
      expect(page).toMatch(/SANDBOX.*not Slack, Google, Notion or any other real service/s);
  });
});
