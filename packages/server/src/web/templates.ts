// Page templates (Eta, auto-escaping: `<%= %>` escapes, `<%~ %>` is only for trusted markup).
// They live in code rather than files so the bundled bin carries them without a copy step.

export const layout = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title><%= it.title %> · base44-server</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
  body { margin: 0; display: grid; place-items: start center; min-height: 100vh; background: Canvas; }
  main { width: min(26rem, 100% - 2rem); margin: 3rem 1rem; }
  h1 { font-size: 1.4rem; margin: 0 0 1rem; }
  label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
  input[type=email], input[type=password], input[type=text] { width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1rem; }
  button { margin-top: 1rem; padding: .6rem 1.2rem; font-size: 1rem; cursor: pointer; }
  .row { display: flex; gap: .75rem; flex-wrap: wrap; }
  .code { font: 600 1.6rem ui-monospace, monospace; letter-spacing: .15em; }
  .error { color: #b00020; border-left: 3px solid #b00020; padding-left: .6rem; }
  .muted { opacity: .75; font-size: .9rem; }
  .warning { border: 2px solid #b00020; background: color-mix(in srgb, #b00020 10%, Canvas); padding: .75rem 1rem; margin: 1rem 0; }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; }
  dl.facts dt { font-weight: 600; }
  dl.facts dd { margin: 0; overflow-wrap: anywhere; }
  dl.facts ul { margin: 0; padding-left: 1.1rem; }
  form.inline { display: inline; }
</style>
</head>
<body>
<main>
<%~ it.body %>
</main>
</body>
</html>`;

export const signIn = `<% layout('@layout', { title: 'Sign in' }) %>
<h1>Sign in to approve the CLI login</h1>
<% if (it.error) { %><p class="error" role="alert"><%= it.error %></p><% } %>
<form method="post" action="/device/sign-in">
  <input type="hidden" name="_csrf" value="<%= it.csrfToken %>">
  <input type="hidden" name="user_code" value="<%= it.userCode %>">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username" required value="<%= it.email %>">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>`;

export const enterCode = `<% layout('@layout', { title: 'Enter code' }) %>
<h1>Log in the base44 CLI</h1>
<p>Signed in as <strong><%= it.email %></strong>.</p>
<% if (it.error) { %><p class="error" role="alert"><%= it.error %></p><% } %>
<form method="get" action="/device">
  <label for="user_code">Code shown in your terminal</label>
  <input id="user_code" name="user_code" type="text" autocomplete="off" autocapitalize="characters"
         placeholder="XXXX-XXXX" required value="<%= it.userCode %>">
  <button type="submit">Continue</button>
</form>
<%~ include('@signOut', it) %>`;

export const confirm = `<% layout('@layout', { title: 'Approve login' }) %>
<h1>Approve the CLI login?</h1>
<p>Check that your terminal shows this code:</p>
<p class="code"><%= it.userCode %></p>
<p>Approving lets the base44 CLI act as <strong><%= it.email %></strong> until you log out:</p>
<ul class="scopes">
<% it.scopes.forEach(function (granted) { %>
  <li><%= granted.description %> (<code><%= granted.scope %></code>)</li>
<% }) %>
</ul>
<form method="post" action="/device/decision">
  <input type="hidden" name="_csrf" value="<%= it.csrfToken %>">
  <input type="hidden" name="user_code" value="<%= it.userCode %>">
  <div class="row">
    <button type="submit" name="decision" value="approve">Approve</button>
    <button type="submit" name="decision" value="deny">Deny</button>
  </div>
</form>
<%~ include('@signOut', it) %>`;

export const done = `<% layout('@layout', { title: it.approved ? 'Approved' : 'Denied' }) %>
<% if (it.approved) { %>
<h1>The CLI is logged in</h1>
<p>You can close this tab and return to your terminal.</p>
<% } else { %>
<h1>Login denied</h1>
<p>The CLI was not logged in. You can close this tab.</p>
<% } %>`;

export const problem = `<% layout('@layout', { title: it.title }) %>
<h1><%= it.title %></h1>
<p class="error" role="alert"><%= it.message %></p>
<% if (it.againUrl) { %><p><a href="<%= it.againUrl %>">Start again</a></p><% } %>`;

export const startLink = `<% layout('@layout', { title: 'Connect ' + it.displayName + '?' }) %>
<h1>Connect <%= it.displayName %> to the app <%= it.appName %>?</h1>
<% if (it.signedInAs && it.someoneElse) { %>
<div class="warning" role="alert">
  <p><strong>This link was not made by you.</strong> You are signed in as <strong><%= it.signedInAs %></strong>;
     this link was made by <strong><%= it.requester.name %> (<%= it.requester.email %>)</strong> for the app
     <strong><%= it.appName %></strong>.</p>
  <p>If you continue, the <%= it.displayName %> account you approve is connected to their app, and the app can
     act as that account. Continue only if you expected this request from them; otherwise close this tab.</p>
</div>
<% } else if (it.signedInAs) { %>
<p class="muted">You are signed in here as <strong><%= it.signedInAs %></strong>, who made this link.</p>
<% } %>
<dl class="facts">
  <dt>App</dt><dd><%= it.appName %></dd>
  <dt>Connector</dt><dd><%= it.displayName %> (<%= it.type %>)</dd>
  <dt>Access</dt><dd><% if (it.scopes.length) { %><ul><% it.scopes.forEach(function (scope) { %><li><%= scope %></li><% }) %></ul><% } else { %>the provider's default access (no scopes named)<% } %></dd>
  <dt>Asked by</dt><dd><%= it.requester.name %> (<%= it.requester.email %>)</dd>
</dl>
<p>Continuing sends you to <%= it.displayName %> to sign in and approve this access. The account you approve there
   becomes the app's <%= it.type %> connector. If you did not ask for this yourself (in your terminal, or on the
   dashboard), close this tab: nothing has been sent to <%= it.displayName %>.</p>
<form method="post" action="/oauth/start/<%= it.attemptId %>">
  <input type="hidden" name="_csrf" value="<%= it.csrfToken %>">
  <button type="submit">Continue to <%= it.displayName %></button>
</form>
<p class="muted">This link works once, and expires in <%= it.minutesLeft %> minute<%= it.minutesLeft === 1 ? '' : 's' %>.</p>`;

export const connected = `<% layout('@layout', { title: it.type + ' connected' }) %>
<h1><%= it.type %> is connected - you can close this tab</h1>
<% if (it.accountEmail) { %><p>Connected account: <strong><%= it.accountEmail %></strong></p><% } %>
<p class="muted">If you started this in a terminal, it shows the result too.</p>
<% if (it.appUrl) { %><p><a href="<%= it.appUrl %>">See the app's connectors</a></p><% } %>`;

export const signOut = `<form method="post" action="/device/sign-out" class="muted">
  <input type="hidden" name="_csrf" value="<%= it.csrfToken %>">
  Not <%= it.email %>? <button type="submit">Sign out</button>
</form>`;
