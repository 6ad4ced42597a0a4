// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by package.

import { readFileSync } from 'node:fs';

/** Self time per node of the profile, in ms, from its samples and time deltas. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return { byId, self };
}

function where(url) {
  if (!url) return '(native / V8)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node core';
  if (url.includes('/packages/server/')) return 'base44-server';
  if (url.includes('/packages/')) return url.split('/packages/')[1].split('/')[0];
  return url;
}

/** The top functions and packages by self time; `total` is the profile's sampled time. */
export function summariseProfile(file, top = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const { byId, self } = selfTimes(profile);
  const functions = new Map();
  const packages = new Map();
  let total = 0;
  for (const [id, ms] of self) {
    const { callFrame } = byId.get(id);
    total += ms;
    const name =
      `${callFrame.functionName || '(anonymous)'} ${callFrame.url ? `${callFrame.url.replace(/^.*\/(node_modules|packages)\//, '$1/')}:${callFrame.lineNumber + 1}` : ''}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + ms);
    const pkg = where(callFrame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
  }
  const sorted = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), share: Math.round((ms / total) * 1000) / 10 }));
  return { total_ms: Math.round(total), functions: sorted(functions), packages: sorted(packages) };
}
