// The connectors dashboard's pages (Eta, auto-escaping: `<%= %>` escapes, `<%~ %>` is only for
// trusted markup: the layout's body and includes). Forms post with a CSRF token; nothing needs JavaScript.
// Below 60rem every table turns into a stack of cards, so a phone never scrolls sideways.

export const layout = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title><%= it.title %> · base44 connectors</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; --line: #8885; --soft: #8881; }
  * { box-sizing: border-box; }
  body { margin: 0; background: Canvas; color: CanvasText; }
  header.top { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .5rem 1rem;
    padding: .6rem 1rem; border-bottom: 1px solid var(--line); }
  header.top .brand { font-weight: 700; text-decoration: none; color: inherit; }
  header.top form { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; margin: 0; min-width: 0; }
  main { max-width: 76rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
  main.narrow { max-width: 28rem; }
  h1 { font-size: 1.5rem; margin: .5rem 0 .25rem; overflow-wrap: anywhere; }
  h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
  a { color: LinkText; }
  code { font: .85em ui-monospace, monospace; overflow-wrap: break-word; }
  label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
  input[type=email], input[type=password] { width: 100%; padding: .6rem; font-size: 1rem; }
  button, a.button { display: inline-block; padding: .45rem .9rem; font: inherit; font-size: .95rem; cursor: pointer;
    border: 1px solid var(--line); border-radius: .4rem; background: ButtonFace; color: ButtonText; text-decoration: none; }
  button.primary { background: #1d4ed8; border-color: #1d4ed8; color: #fff; }
  button.danger { background: #b91c1c; border-color: #b91c1c; color: #fff; }
  button.link { background: none; border: none; padding: 0; color: LinkText; text-decoration: underline; }
  form { margin: 0; }
  .row { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; margin-top: 1rem; }
  .muted { opacity: .75; font-size: .9rem; }
  .wrap { overflow-wrap: break-word; min-width: 0; }
  .crumbs { margin: 0; font-size: .9rem; overflow-wrap: anywhere; }
  .error { color: #b91c1c; border-left: 3px solid #b91c1c; padding-left: .6rem; }
  .notice { border-left: 3px solid #15803d; padding: .4rem .6rem; background: var(--soft); }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  ul.plain { list-style: none; margin: 0; padding: 0; }
  ul.scopes { min-width: 10rem; }
  ul.scopes code { overflow-wrap: anywhere; }
  ul.apps li { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem; margin-bottom: .75rem; }
  ul.apps a { font-weight: 600; font-size: 1.05rem; overflow-wrap: anywhere; }
  ul.loss li { margin-bottom: .5rem; overflow-wrap: anywhere; }
  .status { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-size: .85rem; font-weight: 600;
    border: 1px solid currentColor; }
  .status-active { color: #15803d; }
  .status-pending { color: #a16207; }
  .status-expired, .status-disconnected { color: #b91c1c; }
  .table { overflow-x: auto; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; vertical-align: top; padding: .55rem .5rem; border-bottom: 1px solid var(--line); }
  th { font-size: .85rem; opacity: .8; }
  td.actions > div { display: flex; flex-wrap: wrap; gap: .5rem; }
  @media (max-width: 60rem) {
    table, tbody, tr, td { display: block; width: 100%; }
    thead { display: none; }
    tr { border: 1px solid var(--line); border-radius: .5rem; padding: .4rem .75rem; margin-bottom: .75rem; }
    td { display: grid; grid-template-columns: 6.5rem minmax(0, 1fr); gap: .5rem; border: none; padding: .3rem 0;
      overflow-wrap: anywhere; }
    td code, td .wrap { overflow-wrap: anywhere; }
    ul.scopes { min-width: 0; }
    td::before { content: attr(data-label); font-weight: 600; font-size: .85rem; opacity: .8; }
    td.actions { display: block; padding-top: .6rem; }
    td.actions::before { content: none; }
  }
</style>
</head>
<body>
<header class="top">
  <a class="brand" href="/dashboard">base44 connectors</a>
<% if (it.user) { %>
  <form method="post" action="/dashboard/sign-out">
    <input type="hidden" name="_csrf" value="<%= it.csrfToken %>">
    <span class="muted wrap"><%= it.user.email %></span>
    <button type="submit" class="link">Sign out</button>
  </form>
<% } %>
</header>
<main<% if (it.narrow) { %> class="narrow"<% } %>>
<%~ it.body %>
</main>
</body>
</html>`;

export const signIn = `<% layout('@layout', { title: 'Sign in', narrow: true }) %>
<h1>Sign in</h1>
<p class="muted">See and manage the connectors of your apps.</p>
<% if (it.error) { %><p class="error" role="alert"><%= it.error %></p><% } %>
<form method="post" action="/dashboard/sign-in">
  <input type="hidden" name="_csrf" value="<%= it.csrfToken %>">
  <input type="hidden" name="app" value="<%= it.appId %>">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username" required value="<%= it.email %>">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <div class="row"><button type="submit" class="primary">Sign in</button></div>
</form>`;

export const apps = `<% layout('@layout', { title: 'Your apps' }) %>
<h1>Your apps</h1>
<% if (it.apps.length === 0) { %>
<p>You are not a member of any app yet. An app's owner can add you, or create one with
<code>base44-server admin</code>.</p>
<% } else { %>
<ul class="plain apps">
<% for (const app of it.apps) { %>
  <li>
    <a href="<%= app.url %>"><%= app.name %></a>
    <div class="muted">App id <code><%= app.id %></code> · you are <%= app.role %></div>
    <div><%= app.connectors %> connector<%= app.connectors === 1 ? '' : 's' %><% if (app.needAttention > 0) { %>,
      <strong><%= app.needAttention %> not active</strong><% } %></div>
  </li>
<% } %>
</ul>
<% } %>`;

export const time = `<% if (it.time) { %><time datetime="<%= it.time.iso %>"><%= it.time.text %></time><% } else { %><span class="muted"><%= it.none %></span><% } %>`;

export const app = `<% layout('@layout', { title: it.app.name }) %>
<p class="crumbs"><a href="/dashboard">Your apps</a> / <%= it.app.name %></p>
<h1><%= it.app.name %></h1>
<p class="muted">App id <code><%= it.app.id %></code> · you are <%= it.app.role %></p>
<% if (it.notice) { %><p class="notice" role="status"><%= it.notice %></p><% } %>

<h2>Connectors</h2>
<% if (it.connectors.length === 0) { %>
<p>This app has no connectors. Add a connector file under <code>base44/connectors/</code> in the
project and run <code>base44 connectors push</code>.</p>
<% } else { %>
<div class="table">
<table>
<thead><tr><th>Connector</th><th>Status</th><th>Account</th><th>Scopes</th><th>Connected</th><th>Last refreshed</th><th><span class="sr-only">Actions</span></th></tr></thead>
<tbody>
<% for (const c of it.connectors) { %>
<tr id="connector-<%= c.type %>">
  <td data-label="Connector"><div><strong><%= c.name %></strong><br><code><%= c.type %></code></div></td>
  <td data-label="Status"><div><span class="status status-<%= c.status %>"><%= c.status %></span><% if (c.awaitingConsent) { %><br><span class="muted">waiting for consent</span><% } %></div></td>
  <td data-label="Account"><div class="wrap"><% if (c.accountEmail) { %><%= c.accountEmail %><% } else { %><span class="muted">none yet</span><% } %><% if (c.authorizedBy) { %><br><span class="muted">connected by <%= c.authorizedBy %></span><% } %></div></td>
  <td data-label="Scopes"><% if (c.scopes.length > 0) { %><ul class="plain scopes"><% for (const scope of c.scopes) { %><li><code><%= scope %></code></li><% } %></ul><% } else { %><span class="muted">none</span><% } %></td>
  <td data-label="Connected"><div><%~ include('@time', { time: c.connectedAt, none: 'not yet' }) %></div></td>
  <td data-label="Last refreshed"><div><%~ include('@time', { time: c.refreshedAt, none: 'not yet' }) %></div></td>
  <td data-label="Actions" class="actions"><div>
<% if (c.authorize) { %>
    <form method="post" action="<%= c.authorize.url %>">
      <input type="hidden" name="_csrf" value="<%= it.csrfToken %>">
      <button type="submit" class="primary"><%= c.authorize.label %><span class="sr-only"> <%= c.name %></span></button>
    </form>
<% } else { %>
    <span class="muted"><%= c.unavailable %></span>
<% } %>
    <a class="button" href="<%= c.removeUrl %>">Remove<span class="sr-only"> <%= c.name %></span>…</a>
  </div></td>
</tr>
<% } %>
</tbody>
</table>
</div>
<% } %>

<h2>Activity</h2>
<% if (it.audit.length === 0) { %>
<p class="muted">Nothing has happened to this app's connectors yet.</p>
<% } else { %>
<p class="muted">The latest <%= it.audit.length %> changes, newest first.</p>
<div class="table">
<table>
<thead><tr><th>When</th><th>Who</th><th>What</th><th>Connector</th><th>Details</th></tr></thead>
<tbody>
<% for (const e of it.audit) { %>
<tr>
  <td data-label="When"><div><%~ include('@time', { time: e.when, none: '' }) %></div></td>
  <td data-label="Who"><div class="wrap"><% if (e.actor) { %><%= e.actor %><% } else { %><span class="muted">a removed user</span><% } %></div></td>
  <td data-label="What"><div><%= e.label %></div></td>
  <td data-label="Connector"><div><% if (e.type) { %><code><%= e.type %></code><% } else { %><span class="muted">all</span><% } %></div></td>
  <td data-label="Details"><div class="wrap"><%= e.summary %></div></td>
</tr>
<% } %>
</tbody>
</table>
</div>
<% } %>`;

export const remove = `<% layout('@layout', { title: 'Remove ' + it.connector.name }) %>
<p class="crumbs"><a href="/dashboard">Your apps</a> / <a href="<%= it.appUrl %>"><%= it.app.name %></a> / Remove</p>
<h1>Remove <%= it.connector.name %> from <%= it.app.name %>?</h1>
<p>Removing it loses:</p>
<ul class="loss">
  <li>the <strong><%= it.connector.name %></strong> connector (<code><%= it.connector.type %></code>) of this app<% if (it.connector.scopes.length > 0) { %>, with its scopes <% it.connector.scopes.forEach((scope, i) => { %><%= i > 0 ? ', ' : '' %><code><%= scope %></code><% }) %><% } %>;</li>
<% if (it.connector.accountEmail) { %>
  <li>the connection to the account <strong><%= it.connector.accountEmail %></strong><% if (it.connector.authorizedBy) { %>, connected by <%= it.connector.authorizedBy %><% } %>;</li>
<% } %>
<% if (it.connector.status !== 'pending') { %>
  <li>its stored access and refresh tokens<% if (it.connector.revocable) { %>, which are also revoked at <%= it.connector.name %><% } else { %>; <%= it.connector.name %> offers no way to revoke them, so they stay valid there until they expire<% } %>.</li>
<% } else { %>
  <li>its authorization that was never completed.</li>
<% } %>
</ul>
<p>Backend code asking for its token gets “not connected” from then on. If a connector file in the
project still lists <code><%= it.connector.type %></code>, the next <code>base44 connectors push</code>
adds it again and asks for consent.</p>
<form method="post" action="<%= it.connector.removeUrl %>" class="row">
  <input type="hidden" name="_csrf" value="<%= it.csrfToken %>">
  <button type="submit" class="danger">Remove <%= it.connector.name %></button>
  <a class="button" href="<%= it.appUrl %>">Cancel</a>
</form>`;

export const problem = `<% layout('@layout', { title: it.title, narrow: true }) %>
<h1><%= it.title %></h1>
<p class="error" role="alert"><%= it.message %></p>
<p><a href="<%= it.backUrl %>"><%= it.backLabel %></a></p>`;
