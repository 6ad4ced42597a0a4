// What the soak run (scripts/soak.mjs) can only check at the end, once every client has stopped.

import { api, call } from './soak-clients.mjs';
import { TOKEN_SCOPES, TOKEN_TYPE } from './soak-world.mjs';

const asMap = (connectors) =>
  new Map(connectors.map(({ type, scopes }) => [type, [...scopes].sort().join(' ')]));
const sameMap = (a, b) => a.size === b.size && [...a].every(([type, scopes]) => b.get(type) === scopes);

/**
 * After the load: every app's connectors are those of its last acknowledged push, its revision is
 * that push's, and every 404 a status read got was for a connector a later push removed.
 */
export async function verify(state, recorder) {
  const lost = [];
  const instance = state.instances[0];
  const headers = { api_key: state.workspaceKey };
  for (const app of state.apps) {
    const last = app.acks.reduce(
      (best, ack) => (!best || ack.revision > best.revision ? ack : best),
      undefined,
    );
    const expected = last
      ? asMap(last.connectors)
      : asMap(app.serviceKey ? [{ type: TOKEN_TYPE, scopes: TOKEN_SCOPES }] : []);
    const list = await call(recorder, 'verify', api(instance, app, 'list'), { headers }, [200]);
    const plan = await call(
      recorder,
      'verify',
      api(instance, app, 'plan'),
      { method: 'POST', headers, body: { connectors: [], prune: false } },
      [200],
    );
    if (!list || !plan) continue;
    // Two pushes acknowledged with one revision must have asked for the same (a no-op second one).
    const twin = app.acks.find(
      (ack) => ack.revision === last?.revision && !sameMap(asMap(ack.connectors), expected),
    );
    if (twin)
      lost.push({ app: app.id, same_revision: last.revision, pushes: [last.connectors, twin.connectors] });
    const actual = asMap(list.body.integrations.map((i) => ({ type: i.integration_type, scopes: i.scopes })));
    if (!sameMap(actual, expected) || (last && plan.body.revision !== last.revision)) {
      lost.push({
        app: app.id,
        acknowledged: { revision: last?.revision ?? null, connectors: Object.fromEntries(expected) },
        found: { revision: plan.body.revision, connectors: Object.fromEntries(actual) },
      });
    }
  }
  const left = await call(recorder, 'verify', api(instance, state.authorizeApp, 'list'), { headers }, [200]);
  if (left && left.body.integrations.length > 0) {
    recorder.error('remove', `the authorization app still has ${JSON.stringify(left.body.integrations)}`);
  }
  for (const { attempt, kind } of state.gone) {
    const removed = attempt.app.removals.some(
      (r) => r.type === attempt.type && r.revision > attempt.revision,
    );
    if (!removed)
      recorder.error(kind, `404 for ${attempt.type} attempt ${attempt.id} of a connector never removed`);
  }
  return lost;
}
