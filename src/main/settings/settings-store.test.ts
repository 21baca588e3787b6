import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createLogger, silentLogger, type LogRecord } from '../core/logger';
import { useTempDirs } from '../test-support/temp-dir';
import { defaultSettings } from '../../shared/settings';
import { SettingsStore, settingsFileName } from './settings-store';

const tempDir = useTempDirs();

/** The settings files kept aside in `dir`. */
async function keptAside(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).filter((f) => f.startsWith(`${settingsFileName}.invalid-`));
}

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

  it('keeps both of two different changes made at once', async () => {
    const dir = await tempDir();
    const store = await SettingsStore.open(dir, silentLogger);
    const [first, second] = await Promise.all([
      store.update({ theme: 'dark' }),
      store.update({ lockTimeoutMinutes: 5 }),
    ]);
    expect(first).toMatchObject({ theme: 'dark', lockTimeoutMinutes: 15 });
    expect(second).toMatchObject({ theme: 'dark', lockTimeoutMinutes: 5 });
    expect(store.get()).toEqual(second);
    const reopened = await SettingsStore.open(dir, silentLogger);
    expect(reopened.get()).toMatchObject({ theme: 'dark', lockTimeoutMinutes: 5 });
  });

  it('saves and forgets saved searches by name, so changes made at once all land', async () => {
    const dir = await tempDir();
    const store = await SettingsStore.open(dir, silentLogger);
    await store.update({
      savedSearches: [
        { name: 'a', query: '1' },
        { name: 'b', query: '2' },
        { name: 'c', query: '3' },
      ],
    });
    await Promise.all([
      store.update({ forgetSearches: ['a'] }),
      store.update({ forgetSearches: ['b'] }),
      store.update({ saveSearches: [{ name: 'web10', query: 'web' }] }),
      store.update({ saveSearches: [{ name: 'web2', query: 'web' }] }),
      store.update({ saveSearches: [{ name: 'c', query: 'replaced' }] }),
      store.update({ forgetSearches: ['not saved'] }),
    ]);
    const reopened = await SettingsStore.open(dir, silentLogger);
    expect(reopened.get().savedSearches).toEqual([
      { name: 'c', query: 'replaced' },
      { name: 'web2', query: 'web' },
      { name: 'web10', query: 'web' },
    ]);
    // A change the list cannot take is refused, and the ones after it still land.
    const many = Array.from({ length: 200 }, (_, i) => ({ name: `s${String(i)}`, query: 'x' }));
    const results = await Promise.allSettled([
      store.update({ saveSearches: many }),
      store.update({ theme: 'light' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(store.get()).toMatchObject({
      theme: 'light',
      savedSearches: reopened.get().savedSearches,
    });
  });

  it('keeps a settings file that is not JSON aside, falls back to defaults and says so', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, settingsFileName), '{"theme": "neon", ');
    const records: LogRecord[] = [];
    const store = await SettingsStore.open(dir, createLogger({ sink: (r) => records.push(r) }));
    expect(store.get().theme).toBe('system');
    const kept = await keptAside(dir);
    expect(kept).toHaveLength(1);
    expect(await fs.readFile(path.join(dir, kept[0]!), 'utf8')).toBe('{"theme": "neon", ');
    expect(records[0]?.level).toBe('warn');
    expect(store.notice).toContain('it is not valid JSON');
    expect(store.notice).toContain(`It was moved to ${path.join(dir, kept[0]!)}`);
  });

  it('starts with defaults when settings.json is a folder, moves it aside and saves anew', async () => {
    const dir = await tempDir();
    await fs.mkdir(path.join(dir, settingsFileName));
    await fs.writeFile(path.join(dir, settingsFileName, 'inside'), 'x');
    const store = await SettingsStore.open(dir, silentLogger);
    expect(store.get()).toEqual(defaultSettings);
    const kept = await keptAside(dir);
    expect(kept).toHaveLength(1);
    expect(await fs.readFile(path.join(dir, kept[0]!, 'inside'), 'utf8')).toBe('x');
    expect(store.notice).toBe(
      `Rackside could not use its settings file ${path.join(dir, settingsFileName)} (it cannot be read: it is a folder). It was moved to ${path.join(dir, kept[0]!)}, and the default settings are used.`,
    );
    await store.update({ theme: 'dark' });
    const reopened = await SettingsStore.open(dir, silentLogger);
    expect(reopened.get().theme).toBe('dark');
    expect(reopened.notice).toBeNull();
  });

  it('starts with defaults when settings.json may not be read, and says so', async () => {
    const dir = await tempDir();
    const file = path.join(dir, settingsFileName);
    await fs.writeFile(file, '{"theme": "dark"}');
    // A file its owner may not read (root reads any file, so the refusal is the system's answer
    // given here rather than a mode on disk).
    const readFile = fs.readFile.bind(fs);
    const refused = vi
      .spyOn(fs, 'readFile')
      .mockImplementation(
        async (
          target: Parameters<typeof fs.readFile>[0],
          options?: Parameters<typeof fs.readFile>[1],
        ) => {
          if (target === file) {
            throw Object.assign(new Error(`EACCES: permission denied, open '${file}'`), {
              code: 'EACCES',
            });
          }
          return readFile(target, options);
        },
      );
    try {
      const store = await SettingsStore.open(dir, silentLogger);
      expect(store.get()).toEqual(defaultSettings);
      expect(store.notice).toContain('(it cannot be read: no permission)');
    } finally {
      refused.mockRestore();
    }
  });

  it('keeps every valid setting of a file with keys it does not know, and keeps those keys', async () => {
    const dir = await tempDir();
    const file = path.join(dir, settingsFileName);
    const saved = {
      theme: 'dark',
      lockTimeoutMinutes: 5,
      savedSearches: [{ name: 'Debian', query: 'os:debian' }],
      defaultSshUser: 'ops',
      telemetry: false,
      layout: { sidebar: 'narrow' },
    };
    await fs.writeFile(file, JSON.stringify(saved));
    const store = await SettingsStore.open(dir, silentLogger);
    expect(store.get()).toEqual({
      theme: 'dark',
      lockTimeoutMinutes: 5,
      savedSearches: [{ name: 'Debian', query: 'os:debian' }],
      defaultSshUser: 'ops',
    });
    expect(store.notice).toBeNull();
    expect(await fs.readdir(dir)).toEqual([settingsFileName]);
    await store.update({ lockTimeoutMinutes: 10 });
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual({
      ...saved,
      lockTimeoutMinutes: 10,
    });
  });

  it('leaves out only the values that are not valid, says which, and keeps the file as it was', async () => {
    const dir = await tempDir();
    const file = path.join(dir, settingsFileName);
    const text = JSON.stringify({
      theme: 'neon',
      lockTimeoutMinutes: 30,
      savedSearches: [
        { name: 'Debian', query: 'os:debian' },
        { name: 'Long', query: 'q'.repeat(2001) },
        { query: 'no name' },
        { name: 'Debian', query: 'again' },
        { name: 'Web', query: 'web' },
      ],
      defaultSshUser: 'ops',
    });
    await fs.writeFile(file, text);
    const store = await SettingsStore.open(dir, silentLogger);
    expect(store.get()).toEqual({
      theme: 'system',
      lockTimeoutMinutes: 30,
      savedSearches: [
        { name: 'Debian', query: 'os:debian' },
        { name: 'Web', query: 'web' },
      ],
      defaultSshUser: 'ops',
    });
    const kept = await keptAside(dir);
    expect(kept).toHaveLength(1);
    expect(await fs.readFile(path.join(dir, kept[0]!), 'utf8')).toBe(text);
    const notice = store.notice ?? '';
    expect(notice).toMatch(
      new RegExp(`^Some settings in ${file} could not be used and were left out: `),
    );
    expect(notice).toContain('the theme ("neon": ');
    expect(notice).toContain('the saved search "Long" (query: ');
    expect(notice).toContain('the saved search number 3 (name: ');
    expect(notice).toContain('a second saved search named "Debian"');
    expect(notice).toContain(`The file as it was is kept as ${path.join(dir, kept[0]!)}.`);
    expect(notice).not.toContain('"Web"');

    // What is used is what the file now holds: the next start has nothing to report.
    const reopened = await SettingsStore.open(dir, silentLogger);
    expect(reopened.get()).toEqual(store.get());
    expect(reopened.notice).toBeNull();
  });

  it('keeps the first 200 saved searches of a file that holds more, and says so', async () => {
    const dir = await tempDir();
    const savedSearches = Array.from({ length: 203 }, (_, i) => ({
      name: `s${String(i)}`,
      query: 'x',
    }));
    await fs.writeFile(path.join(dir, settingsFileName), JSON.stringify({ savedSearches }));
    const store = await SettingsStore.open(dir, silentLogger);
    expect(store.get().savedSearches).toEqual(savedSearches.slice(0, 200));
    expect(store.notice).toContain('3 saved searches beyond the 200 kept');
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
