// The soak run's clients (scripts/soak.mjs): each loops until the deadline, mixing pushes (plan, then
// apply with the planned revision, again on 409), status reads and long-polls of the authorizations
// the pushes started, token reads with service keys, and now and then a whole authorization (PUT,
// consent in the sandbox watched by a long-poll on another instance, removal) on an app of its own. Every answer is checked as it arrives; what only the
// end can tell (lost updates, 404s for attempts of removed connectors) is checked by soak-verify.mjs.

import { performance } from 'node:perf_hooks';
import { consent } from '../bench/lib/sandbox-browser.mjs';
import { EMAIL, TOKEN_SCOPES, TOKEN_TYPE } from './soak-world.mjs';

/** Connectors a push may list besides the token type, each with the scope sets it may ask for. */
const POOL = {
  notion: [['read'], ['read', 'write']],
  github: [['repo'], ['repo', 'read:user']],
  dropbox: [['files.metadata.read']],
  box: [['root_readonly'], ['root_readwrite']],
  airtable: [['data.records:read']],
  linear: [['read'], ['read', 'write']],
};
const WEIGHTS = { token: 45, push: 25, status: 15, longPoll: 10, authorize: 5 };
/** What the authorization cycle connects and removes, on the app no push touches. */
const AUTHORIZE_TYPE = 'notion';
const LONG_POLL_SECONDS = 2;
const WAKE_POLL_SECONDS = 30;
const RECENT_ATTEMPTS = 300;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = (list) => list[Math.floor(Math.random() * list.length)];

/** Latencies and counts by kind of request, the conflicts retried, and every unexpected answer. */
export class Recorder {
  latencies = {};
  conflicts = 0;
  errors = [];
  errorCount = 0;

  time(kind, ms) {
    if (!this.latencies[kind]) this.latencies[kind] = [];
    this.latencies[kind].push(ms);
  }

  error(kind, detail) {
    this.errorCount++;
    if (this.errors.length < 50) this.errors.push(`${kind}: ${detail}`);
  }

  get requests() {
    return Object.values(this.latencies).reduce((sum, list) => sum + list.length, 0);
  }
}

/** Everything the clients share on one storage. */
export function loadState({ instances, account }) {
  const [authorizeApp, ...pushed] = account.apps.toReversed();
  return {
    instances,
    workspaceKey: account.workspaceKey,
    apps: pushed.toReversed().map((app) => ({ ...app, acks: [], removals: [] })),
    authorizeApp,
    attempts: [],
    gone: [],
    authorizing: false,
  };
}

/** One request, timed and checked: resolves to `{status, body}`, or undefined after a network failure. */
export async function call(
  recorder,
  kind,
  url,
  { method = 'GET', headers = {}, body, timeoutMs = 30_000 },
  expected,
) {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method,
      headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    recorder.time(kind, performance.now() - started);
    if (!expected.includes(response.status)) {
      recorder.error(kind, `${method} ${url} answered ${response.status}: ${text.slice(0, 300)}`);
      return undefined;
    }
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  } catch (error) {
    recorder.error(kind, `${method} ${url} failed: ${error.message}`);
    return undefined;
  }
}

export const api = (instance, app, path) => `${instance.url}/api/apps/${app.id}/external-auth/${path}`;

function desiredConnectors() {
  const connectors = [{ type: TOKEN_TYPE, scopes: TOKEN_SCOPES }];
  for (const [type, variants] of Object.entries(POOL)) {
    if (Math.random() < 0.35) connectors.push({ type, scopes: pick(variants) });
  }
  return connectors;
}

async function push(state, recorder, instance, deadline) {
  const app = pick(state.apps);
  const connectors = desiredConnectors();
  const headers = { api_key: state.workspaceKey };
  while (performance.now() < deadline) {
    const plan = await call(
      recorder,
      'plan',
      api(instance, app, 'plan'),
      { method: 'POST', headers, body: { connectors, prune: true } },
      [200],
    );
    if (!plan) return;
    const body = { connectors, prune: true, expected_revision: plan.body.revision };
    const apply = await call(
      recorder,
      'apply',
      api(instance, app, 'apply'),
      { method: 'POST', headers, body },
      [200, 409],
    );
    if (!apply) return;
    if (apply.status === 409) {
      recorder.conflicts++;
      await sleep(Math.random() * 20);
      continue;
    }
    const { revision, results } = apply.body;
    app.acks.push({ revision, connectors });
    for (const result of results) {
      if (result.outcome === 'removed') app.removals.push({ type: result.type, revision });
      if (result.outcome === 'error') recorder.error('apply', `${app.id} ${JSON.stringify(result)}`);
      if (result.outcome === 'needs_authorization') {
        state.attempts.push({
          app,
          type: result.type,
          id: result.connection_id,
          url: result.redirect_url,
          revision,
        });
      }
    }
    if (state.attempts.length > RECENT_ATTEMPTS)
      state.attempts.splice(0, state.attempts.length - RECENT_ATTEMPTS);
    return;
  }
}

/** Reads an attempt's status (long-polling `wait` seconds); a 404 is kept for `verify`. */
async function status(state, recorder, instance, attempt, wait, kind) {
  const query = new URLSearchParams({
    integration_type: attempt.type,
    connection_id: attempt.id,
    wait: String(wait),
  });
  const url = `${api(instance, attempt.app, 'status')}?${query}`;
  const headers = { api_key: state.workspaceKey };
  const answer = await call(recorder, kind, url, { headers, timeoutMs: (wait + 30) * 1000 }, [200, 404]);
  if (answer?.status === 404) state.gone.push({ attempt, kind });
  else if (answer && !['PENDING', 'FAILED', 'ACTIVE'].includes(answer.body.status)) {
    recorder.error(kind, `status of ${attempt.id}: ${JSON.stringify(answer.body)}`);
  }
  return answer;
}

async function readToken(state, recorder, instance) {
  const app = pick(state.apps.filter((candidate) => candidate.serviceKey));
  const headers = { authorization: `Bearer ${app.serviceKey}`, 'x-app-id': app.id };
  const answer = await call(
    recorder,
    'token',
    api(instance, app, `tokens/${TOKEN_TYPE}`),
    { headers },
    [200],
  );
  if (answer && typeof answer.body.access_token !== 'string')
    recorder.error('token', JSON.stringify(answer.body));
}

/**
 * One authorization from start to end on the app set aside for it (no push touches it): PUT the
 * connector, long-poll its status on another instance, approve it in the sandbox, and remove it.
 * The callback must wake the long-poll with ACTIVE (across instances: through PostgreSQL NOTIFY).
 */
async function authorizeWatched(state, recorder, instance) {
  if (state.authorizing) return false;
  state.authorizing = true;
  try {
    const app = state.authorizeApp;
    const headers = { api_key: state.workspaceKey };
    const type = AUTHORIZE_TYPE;
    const body = { scopes: POOL[type][0] };
    const put = await call(
      recorder,
      'authorize',
      api(instance, app, `integrations/${type}`),
      { method: 'PUT', headers, body },
      [200],
    );
    if (!put) return true;
    if (!put.body.redirect_url) {
      recorder.error('authorize', `no authorization link: ${JSON.stringify(put.body)}`);
      return true;
    }
    const watcher = state.instances.find((other) => other !== instance) ?? instance;
    const attempt = { app, type, id: put.body.connection_id, revision: Number.POSITIVE_INFINITY };
    let woken = 0;
    const poll = status(state, recorder, watcher, attempt, WAKE_POLL_SECONDS, 'status_wake').then(
      (answer) => {
        woken = performance.now();
        return answer;
      },
    );
    const started = performance.now();
    const callback = await consent(put.body.redirect_url, EMAIL).catch((error) => ({
      status: 0,
      body: error.message,
    }));
    const completed = performance.now();
    recorder.time('consent', completed - started);
    const answer = await poll;
    if (callback.status !== 200)
      recorder.error('consent', `the callback answered ${callback.status}: ${callback.body.slice(0, 300)}`);
    else if (answer?.body?.status !== 'ACTIVE')
      recorder.error('status_wake', `after the callback the long-poll saw ${JSON.stringify(answer?.body)}`);
    else recorder.time('wake_after_callback', Math.max(0, woken - completed));
    await call(
      recorder,
      'remove',
      api(instance, app, `integrations/${type}/remove`),
      { method: 'DELETE', headers },
      [200],
    );
    return true;
  } finally {
    state.authorizing = false;
  }
}

/** The kind of operation a roll in [0, sum of WEIGHTS) lands on. */
function weighted(roll) {
  let below = 0;
  for (const [kind, weight] of Object.entries(WEIGHTS)) {
    below += weight;
    if (roll < below) return kind;
  }
  return 'token';
}

async function client(state, recorder, index, deadline) {
  const instance = state.instances[index % state.instances.length];
  const total = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);
  while (performance.now() < deadline) {
    const kind = weighted(Math.random() * total);
    const attempt = state.attempts.length > 0 ? pick(state.attempts) : undefined;
    if (kind === 'push') await push(state, recorder, instance, deadline);
    else if (kind === 'status' && attempt) await status(state, recorder, instance, attempt, 0, 'status');
    else if (kind === 'longPoll' && attempt)
      await status(state, recorder, instance, attempt, LONG_POLL_SECONDS, 'long_poll');
    else if (!(kind === 'authorize' && (await authorizeWatched(state, recorder, instance)))) {
      await readToken(state, recorder, instance);
    }
  }
}

/** Runs `clients` clients until `seconds` have passed; resolves once every one has finished. */
export async function runClients(state, recorder, { clients, seconds }) {
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, (_, index) => client(state, recorder, index, deadline)));
}
