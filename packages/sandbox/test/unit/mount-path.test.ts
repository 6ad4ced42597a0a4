import { describe, expect, it } from 'vitest';
import { mountPathOf, stripMountPath } from '../../src/mount.js';

describe('the mount path', () => {
  it('is the path of the issuer, or nothing at the root of a host', () => {
    expect(mountPathOf(new URL('http://127.0.0.1:4044/sandbox'))).toBe('/sandbox');
    expect(mountPathOf(new URL('https://example.com/a/b'))).toBe('/a/b');
    expect(mountPathOf(new URL('http://127.0.0.1:4044'))).toBe('');
  });

  it('is taken off the request target, keeping the query', () => {
    expect(stripMountPath('/sandbox/auth?client_id=x', '/sandbox')).toBe('/auth?client_id=x');
    expect(stripMountPath('/sandbox/interaction/abc/login', '/sandbox')).toBe('/interaction/abc/login');
    expect(stripMountPath('/sandbox', '/sandbox')).toBe('/');
    expect(stripMountPath('/sandbox?x=1', '/sandbox')).toBe('/?x=1');
    expect(stripMountPath('/auth', '')).toBe('/auth');
  });

  it('does not match a target that only starts with the same characters', () => {
    expect(stripMountPath('/sandboxes/auth', '/sandbox')).toBeUndefined();
    expect(stripMountPath('/other/sandbox/auth', '/sandbox')).toBeUndefined();
  });
});
