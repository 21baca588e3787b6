import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStaticPath } from './static-files';

const root = path.resolve('/srv/renderer');

describe('resolveStaticPath', () => {
  it('maps the root to index.html and nested paths under the build', () => {
    expect(resolveStaticPath(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/app.js')).toBe(path.join(root, 'assets', 'app.js'));
  });

  it.each([
    '/../etc/passwd',
    '/assets/../../etc/passwd',
    '/%2e%2e/etc/passwd',
    '/assets/%2E%2E/%2e%2e/x',
    '/..%2fsecret',
    '/a%5c..%5c..%5cx',
    '/index.html%00.js',
    '/%E0%A4%A',
    '/./index.html',
  ])('refuses %s', (probe) => {
    expect(resolveStaticPath(root, probe)).toBeUndefined();
  });
});
