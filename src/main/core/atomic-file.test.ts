import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../db/test-helpers';
import { createFileDurably } from './atomic-file';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createFileDurably', () => {
  it('creates the file once, readable by its owner only, and never replaces it', () => {
    const file = path.join(tempDir(), 'vault.json');
    expect(createFileDurably(file, 'first\n')).toBe(true);
    expect(createFileDurably(file, 'second\n')).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('first\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['vault.json']);
  });

  it('creates it exclusively also on a file system without hard links (FAT, exFAT)', () => {
    const link = vi.spyOn(fs, 'linkSync').mockImplementation(() => {
      throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
    });
    const file = path.join(tempDir(), 'vault.json');
    expect(createFileDurably(file, 'first\n')).toBe(true);
    expect(createFileDurably(file, 'second\n')).toBe(false);
    expect(link).toHaveBeenCalledTimes(2);
    expect(fs.readFileSync(file, 'utf8')).toBe('first\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['vault.json']);
  });
});
