import {
  ConnectorFile as ConnectorFileSchema,
  MAX_SCOPE_LENGTH,
  MAX_SCOPES_PER_CONNECTOR,
  STRIPE_SCOPES_MESSAGE,
} from '@base44-connectors/contract';
import { findNodeAtLocation, getNodeValue, type Node } from 'jsonc-parser';
import type * as z from 'zod/mini';
import { normaliseType } from '../../connector-type.js';

/** The keys a connector file is read for; any other key is left alone. */
export const READ_KEYS = new Set(['type', 'scopes', '$schema']);

/** One refusal of the contract's schema, said in the file's terms, with the node it is about. */
export interface SchemaProblem {
  node: Node | undefined;
  message: string;
}

export type CheckedConnectorFile =
  | { ok: true; type: string; scopes: string[] }
  | { ok: false; problems: SchemaProblem[] };

/**
 * Checks a connector file's object against the contract's `ConnectorFile`, the schema the server
 * applies to what a push sends, so that a file the server would refuse is refused here, at the line
 * and column of what is wrong. Types are read case-insensitively, as in the public CLI.
 */
export function checkConnectorFile(root: Node): CheckedConnectorFile {
  const value = readKeys(root);
  if (typeof value.type === 'string') value.type = normaliseType(value.type);
  const parsed = ConnectorFileSchema.safeParse(value);
  if (parsed.success) return { ok: true, type: parsed.data.type, scopes: parsed.data.scopes };
  const problems = firstIssuePerPath(parsed.error.issues)
    .sort((a, b) => keyRank(a.path) - keyRank(b.path))
    .map((issue) => describe(root, issue));
  return { ok: false, problems };
}

/**
 * The object's own `type`, `scopes` and `$schema`, taken from the tree one by one: a `__proto__`
 * key stays a key, never the object's prototype, so nothing is read from where the file does not write it.
 */
function readKeys(root: Node): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const property of root.children ?? []) {
    const [keyNode, valueNode] = property.children ?? [];
    const key = keyNode?.value;
    if (typeof key === 'string' && READ_KEYS.has(key) && valueNode) value[key] = getNodeValue(valueNode);
  }
  return value;
}

/** Two checks can refuse the same value (an empty scope is too short and no scope at all): the first says it. */
function firstIssuePerPath(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = JSON.stringify(issue.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Problems in the order a reader meets the keys' rules: the type, the scopes, then `$schema`. */
function keyRank(path: readonly PropertyKey[]): number {
  const order = ['type', 'scopes', '$schema'];
  const rank = order.indexOf(String(path[0]));
  return rank < 0 ? order.length : rank;
}

function describe(root: Node, issue: z.core.$ZodIssue): SchemaProblem {
  const path = issue.path.map((part) => (typeof part === 'number' ? part : String(part)));
  const node = findNodeAtLocation(root, path);
  const [key, index] = path;
  const value = node ? getNodeValue(node) : undefined;
  if (key === 'type') {
    if (!node) return { node: root, message: 'missing "type" (the connector type, e.g. "slack")' };
    if (typeof value !== 'string') return { node, message: '"type" must be a string' };
    return { node, message: `"type" ${quoted(value)} must be letters, digits, "_" or "-"` };
  }
  if (key === 'scopes' && index === undefined) {
    if (issue.code === 'custom') return { node, message: `"scopes" ${STRIPE_SCOPES_MESSAGE}` };
    if (issue.code === 'too_big') {
      const count = Array.isArray(value) ? value.length : 0;
      return {
        node,
        message: `"scopes" lists ${count} scopes: a connector asks for at most ${MAX_SCOPES_PER_CONNECTOR}`,
      };
    }
    return { node, message: '"scopes" must be a list of strings' };
  }
  if (key === 'scopes') {
    const at = `"scopes"[${index}]`;
    if (typeof value !== 'string' || value === '')
      return { node, message: `${at} must be a non-empty string` };
    if (issue.code === 'too_big') {
      return {
        node,
        message: `${at} ${quoted(value)} is ${value.length} characters long: a scope is at most ${MAX_SCOPE_LENGTH}`,
      };
    }
    const why = 'must be one scope, without spaces or control characters (one scope per string)';
    return { node, message: `${at} ${quoted(value)} ${why}` };
  }
  if (key === '$schema')
    return { node, message: '"$schema" must be a string (where editors find the schema)' };
  return { node, message: `${path.map(String).join('.')}: ${issue.message}` };
}

/**
 * A value from a file, quoted for an error message: at most 80 characters, and with invisible or
 * reordering characters (controls, bidirectional marks, line separators) escaped, so the message
 * shows what is in the file instead of being rearranged by it.
 */
export function quoted(value: string): string {
  const short = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(short).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (char) => {
    const code = char.codePointAt(0)!;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
