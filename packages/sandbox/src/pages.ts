/** The sandbox's HTML pages. Every value they echo goes through `escapeHtml`; none needs JavaScript. */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => ENTITIES[character]!);
}

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;background:#f6f6f4;color:#1d1d1b}
.sandbox{background:#ffd43b;padding:.75rem 1rem;text-align:center;border-bottom:2px solid #1d1d1b}
main{max-width:30rem;margin:2.5rem auto;padding:1.5rem 2rem;background:#fff;border:1px solid #ddd;border-radius:8px;overflow-wrap:anywhere}
@media (max-width:34rem){main{margin:1rem .5rem;padding:1rem}}
h1{font-size:1.4rem;margin-top:0}
label{display:block;font-weight:600;margin-bottom:.4rem}
input{width:100%;box-sizing:border-box;padding:.55rem;font-size:1rem;margin-bottom:1rem}
button{font-size:1rem;padding:.55rem 1.2rem;margin-right:.5rem;cursor:pointer}
.scopes{padding-left:1.2rem;line-height:1.7}
.error{color:#a00;font-weight:600}
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · SANDBOX</title>
<style>${STYLE}</style>
</head>
<body>
<p class="sandbox" role="note"><strong>SANDBOX</strong>: a local stand-in for the real provider.
This is not Slack, Google, Notion or any other real service, and no real account is used.</p>
<main>
${body}
</main>
</body>
</html>
`;
}

export interface SignInPage {
  action: string;
  email?: string;
  error?: string;
}

export function signInPage({ action, email = '', error }: SignInPage): string {
  return page(
    'Sign in',
    `<h1>Sign in to the sandbox provider</h1>
<p>Type any email address: it becomes the account you connect. There is no password.</p>
${error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(error)}</p>`}
<form method="post" action="${escapeHtml(action)}">
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" required autofocus value="${escapeHtml(email)}">
<button type="submit">Continue</button>
</form>`,
  );
}

export interface ConsentPage {
  action: string;
  clientId: string;
  email: string;
  scopes: readonly string[];
}

export function consentPage({ action, clientId, email, scopes }: ConsentPage): string {
  const requested = scopes.length
    ? `<p>It asks for these scopes:</p>
<ul class="scopes">
${scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('\n')}
</ul>`
    : '<p>It asks for no scopes.</p>';
  return page(
    'Allow access',
    `<h1>Allow access to your sandbox account?</h1>
<p>The application <strong>${escapeHtml(clientId)}</strong> wants to connect to
<strong>${escapeHtml(email)}</strong>.</p>
${requested}
<form method="post" action="${escapeHtml(action)}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

export function errorPage(title: string, details: Readonly<Record<string, string | undefined>>): string {
  const lines = Object.entries(details)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join('\n');
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<dl>\n${lines}\n</dl>`);
}
