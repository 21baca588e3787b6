import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandName } from '../../../../shared/contract';
import type { Result } from '../../../../shared/result';
import {
  applySettingsPatch,
  defaultSettings,
  SettingsPatch,
  type Settings,
} from '../../../../shared/settings';
import { createBridge, setBridge } from '../../lib/bridge';
import { useSettingsStore } from '../../stores/settings-store';
import { initialState, useInventoryStore } from './inventory-store';
import { forgetSearch, legacyKey, migrateLegacySavedSearches, saveSearch } from './saved-searches';
import { SaveSearchDialog } from './SaveSearchDialog';

/** A core keeping settings in memory with the real schema and bounds, as settings.json would. */
function fakeCore(initial: Settings = defaultSettings) {
  let settings = initial;
  const sets: unknown[] = [];
  const bridge = createBridge({
    invoke: (channel, payload) => {
      const answers: Partial<Record<CommandName, () => Result<unknown>>> = {
        'settings:get': () => ({ ok: true, data: settings }),
        'app:info': () => ({ ok: true, data: {} }),
        'settings:set': () => {
          sets.push(payload);
          const patch = SettingsPatch.safeParse(payload);
          if (!patch.success) {
            return { ok: false, error: { code: 'bad-request', message: patch.error.message } };
          }
          try {
            settings = applySettingsPatch(settings, patch.data);
          } catch (error) {
            return { ok: false, error: { code: 'bad-request', message: String(error) } };
          }
          return { ok: true, data: settings };
        },
      };
      return Promise.resolve(
        answers[channel as CommandName]?.() ?? {
          ok: false,
          error: { code: 'unknown-channel', message: channel },
        },
      );
    },
    on: () => () => undefined,
  });
  return { bridge, sets, settings: () => settings };
}

describe('saved searches kept with the settings', () => {
  let core: ReturnType<typeof fakeCore>;
  const start = async (initial?: Settings): Promise<void> => {
    core = fakeCore(initial);
    setBridge(core.bridge);
    await useSettingsStore.getState().load();
  };
  beforeEach(() => {
    window.localStorage.clear();
    useInventoryStore.setState(initialState);
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  it('moves searches left in localStorage into the settings once, keeping names already saved', async () => {
    await start({ ...defaultSettings, savedSearches: [{ name: 'Web', query: 'web' }] });
    window.localStorage.setItem(
      legacyKey,
      JSON.stringify([
        { name: 'Web', query: 'web-0' },
        { name: 'Needs reboot', query: 'reboot:yes' },
      ]),
    );
    expect(await migrateLegacySavedSearches()).toBe(1);
    expect(core.settings().savedSearches).toEqual([
      { name: 'Needs reboot', query: 'reboot:yes' },
      { name: 'Web', query: 'web' },
    ]);
    expect(window.localStorage.getItem(legacyKey)).toBeNull();
    // A second start has nothing left to move and writes nothing.
    expect(await migrateLegacySavedSearches()).toBe(0);
    expect(core.sets).toHaveLength(1);
  });

  it('saves the shown query under a name from the dialog', async () => {
    await start();
    useInventoryStore.setState({
      draft: 'debian status:running',
      query: 'debian status:running',
      dialog: 'save-search',
    });
    render(<SaveSearchDialog />);
    const name = screen.getByTestId<HTMLInputElement>('save-search-name');
    fireEvent.change(name, { target: { value: '  Running Debian  ' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('save-search-confirm'));
      await Promise.resolve();
    });
    expect(core.settings().savedSearches).toEqual([
      { name: 'Running Debian', query: 'debian status:running' },
    ]);
    expect(useSettingsStore.getState().settings?.savedSearches).toHaveLength(1);
    expect(useInventoryStore.getState().dialog).toBeUndefined();
  });

  it('explains in the dialog that the list is full instead of dropping a search', async () => {
    const full = Array.from({ length: 200 }, (_, i) => ({ name: `s${String(i)}`, query: 'x' }));
    await start({ ...defaultSettings, savedSearches: full });
    useInventoryStore.setState({ draft: 'web', query: 'web', dialog: 'save-search' });
    render(<SaveSearchDialog />);
    fireEvent.change(screen.getByTestId('save-search-name'), { target: { value: 'One more' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('save-search-confirm'));
      await Promise.resolve();
    });
    expect(screen.getByTestId('save-search-error').textContent).toContain('at most 200');
    expect(core.settings().savedSearches).toHaveLength(200);
    expect(useInventoryStore.getState().dialog).toBe('save-search');
    // Replacing a search of the same name is still fine.
    expect(await saveSearch({ name: 's7', query: 'web' })).toBeUndefined();
    expect(core.settings().savedSearches.find((s) => s.name === 's7')?.query).toBe('web');
  });

  it('saves what the search box says, and refuses a search the parser does not accept', async () => {
    await start();
    // The box says more than the query shown: its answer is on the way.
    useInventoryStore.setState({ draft: 'kind:vm', query: 'kind:v', dialog: 'save-search' });
    render(<SaveSearchDialog />);
    expect(screen.getByTestId('save-search-dialog').textContent).toContain('kind:vm');
    fireEvent.change(screen.getByTestId('save-search-name'), { target: { value: 'VMs' } });
    // The answer says the text does not parse: nothing to save, and the dialog says why.
    act(() => {
      useInventoryStore.setState({
        draft: 'kind:vm updates>lots',
        queryError: {
          code: 'bad-request',
          message: 'Query error at position 16: updates needs a whole number, not "lots"',
        },
      });
    });
    expect(screen.getByTestId('save-search-invalid').textContent).toContain(
      'updates needs a whole number',
    );
    expect(screen.getByTestId<HTMLButtonElement>('save-search-confirm').disabled).toBe(true);
    await act(async () => {
      fireEvent.submit(screen.getByTestId('save-search-name'));
      await Promise.resolve();
    });
    expect(core.settings().savedSearches).toEqual([]);
    // Fixed in the box: the text itself is saved, not the last query that ran.
    act(() => {
      useInventoryStore.setState({ draft: 'kind:vm updates>0', queryError: undefined });
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId('save-search-confirm'));
      await Promise.resolve();
    });
    expect(core.settings().savedSearches).toEqual([{ name: 'VMs', query: 'kind:vm updates>0' }]);
  });

  it('says which saved search a name in use replaces before replacing it', async () => {
    await start({ ...defaultSettings, savedSearches: [{ name: 'VMs', query: 'kind:vm' }] });
    useInventoryStore.setState({
      draft: 'kind:container',
      query: 'kind:container',
      dialog: 'save-search',
    });
    render(<SaveSearchDialog />);
    const confirm = screen.getByTestId('save-search-confirm');
    expect(screen.queryByTestId('save-search-replaces')).toBeNull();
    expect(confirm.textContent).toBe('Save');
    fireEvent.change(screen.getByTestId('save-search-name'), { target: { value: 'VMs ' } });
    expect(screen.getByTestId('save-search-replaces').textContent).toContain('kind:vm');
    expect(confirm.textContent).toBe('Replace');
    await act(async () => {
      fireEvent.click(confirm);
      await Promise.resolve();
    });
    expect(core.settings().savedSearches).toEqual([{ name: 'VMs', query: 'kind:container' }]);
  });

  it('forgets both of two saved searches forgotten before the first answer came', async () => {
    await start({
      ...defaultSettings,
      savedSearches: [
        { name: 'a', query: '1' },
        { name: 'b', query: '2' },
        { name: 'c', query: '3' },
      ],
    });
    const errors = await Promise.all([forgetSearch('a'), forgetSearch('b')]);
    expect(errors).toEqual([undefined, undefined]);
    expect(core.settings().savedSearches).toEqual([{ name: 'c', query: '3' }]);
    expect(useSettingsStore.getState().settings?.savedSearches).toEqual([
      { name: 'c', query: '3' },
    ]);
  });
});
