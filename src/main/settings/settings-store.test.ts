import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, silentLogger, type LogRecord } from '../core/logger';
import { useTempDirs } from '../test-support/temp-dir';
import { SettingsStore, settingsFileName } from './settings-store';

const tempDir = useTempDirs();

describe('SettingsStore', () => {
  it('starts from defaults and keeps changes across a reopen', async () => {
    const dir = await tempDir();
    const store = await SettingsStore.open(dir, silentLogger);
    expect(store.get()).toEqual({
      theme: 'system',
      lockTimeoutMinutes: 15,
      savedSearches: [],
      defaultSshUser: '',
    });
    await store.update({ theme: 'dark' });
    await store.update({ lockTimeoutMinutes: 0 });
    const reopened = await SettingsStore.open(dir, silentLogger);
    expect(reopened.get()).toEqual({
      theme: 'dark',
      lockTimeoutMinutes: 0,
      savedSearches: [],
      defaultSshUser: '',
    });
  });

  it('applies quick successive changes in order', async () => {
    const dir = await tempDir();
    const store = await SettingsStore.open(dir, silentLogger);
    await Promise.all([1, 2, 3, 4, 5].map((n) => store.update({ lockTimeoutMinutes: n })));
    const reopened = await SettingsStore.open(dir, silentLogger);
    expect(reopened.get().lockTimeoutMinutes).toBe(5);
  });

  it('keeps an unreadable settings file aside and falls back to defaults', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, settingsFileName), '{"theme": "neon", ');
    const records: LogRecord[] = [];
    const store = await SettingsStore.open(dir, createLogger({ sink: (r) => records.push(r) }));
    expect(store.get().theme).toBe('system');
    const kept = (await fs.readdir(dir)).filter((f) =>
      f.startsWith(`${settingsFileName}.invalid-`),
    );
    expect(kept).toHaveLength(1);
    expect(await fs.readFile(path.join(dir, kept[0]!), 'utf8')).toBe('{"theme": "neon", ');
    expect(records[0]?.level).toBe('warn');
  });

  it('keeps known values from an older file and fills in new ones', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, settingsFileName), '{"theme": "light"}');
    const store = await SettingsStore.open(dir, silentLogger);
    expect(store.get()).toEqual({
      theme: 'light',
      lockTimeoutMinutes: 15,
      savedSearches: [],
      defaultSshUser: '',
    });
  });

  it('leaves no temp files behind after saving', async () => {
    const dir = await tempDir();
    const store = await SettingsStore.open(dir, silentLogger);
    await store.update({ theme: 'light' });
    expect(await fs.readdir(dir)).toEqual([settingsFileName]);
  });

  it('keeps saved searches across a reopen', async () => {
    const dir = await tempDir();
    const store = await SettingsStore.open(dir, silentLogger);
    const savedSearches = [
      { name: 'Debian web', query: 'debian web' },
      { name: 'Needs patches', query: 'security>0' },
    ];
    await store.update({ savedSearches });
    const reopened = await SettingsStore.open(dir, silentLogger);
    expect(reopened.get().savedSearches).toEqual(savedSearches);
  });

  it('refuses saved searches beyond their bounds and keeps the previous ones', async () => {
    const dir = await tempDir();
    const store = await SettingsStore.open(dir, silentLogger);
    await store.update({ savedSearches: [{ name: 'ok', query: 'web' }] });
    const many = Array.from({ length: 201 }, (_, i) => ({ name: `s${String(i)}`, query: 'x' }));
    await expect(store.update({ savedSearches: many })).rejects.toThrow(/200/);
    await expect(
      store.update({ savedSearches: [{ name: 'n'.repeat(81), query: 'x' }] }),
    ).rejects.toThrow();
    await expect(
      store.update({ savedSearches: [{ name: 'long', query: 'q'.repeat(2001) }] }),
    ).rejects.toThrow();
    await expect(
      store.update({
        savedSearches: [
          { name: 'same', query: 'a' },
          { name: 'same', query: 'b' },
        ],
      }),
    ).rejects.toThrow(/share a name/);
    expect(store.get().savedSearches).toEqual([{ name: 'ok', query: 'web' }]);
    // The largest allowed list is fine.
    const full = Array.from({ length: 200 }, (_, i) => ({
      name: `${String(i).padStart(3, '0')}${'n'.repeat(77)}`,
      query: 'q'.repeat(2000),
    }));
    await store.update({ savedSearches: full });
    const reopened = await SettingsStore.open(dir, silentLogger);
    expect(reopened.get().savedSearches).toHaveLength(200);
  });

  it('keeps a default SSH user that is a login name, and refuses anything else', async () => {
    const dir = await tempDir();
    const store = await SettingsStore.open(dir, silentLogger);
    await store.update({ defaultSshUser: 'deploy' });
    for (const bad of ['root@web-01', 'two words', '-oProxyCommand=x', 'u'.repeat(65)]) {
      await expect(store.update({ defaultSshUser: bad })).rejects.toThrow();
    }
    const reopened = await SettingsStore.open(dir, silentLogger);
    expect(reopened.get().defaultSshUser).toBe('deploy');
    await reopened.update({ defaultSshUser: '' });
    expect(reopened.get().defaultSshUser).toBe('');
  });
});
