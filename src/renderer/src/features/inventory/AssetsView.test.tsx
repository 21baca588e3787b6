import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Toaster } from 'sonner';
import type { AssetRow, InventoryPage } from '../../../../shared/inventory';
import {
  applySettingsPatch,
  defaultSettings,
  SettingsPatch,
  type Settings,
} from '../../../../shared/settings';
import { useSettingsStore } from '../../stores/settings-store';
import { createBridge, setBridge } from '../../lib/bridge';
import { useNavStore } from '../../stores/nav-store';
import { installFakeBridge } from '../../test-support/fake-bridge';
import { useProfilesStore } from '../profiles/profiles-store';
import { useSyncStore } from '../sync/sync-store';
import { AssetsView } from './AssetsView';
import { initialState, resetQueries, typingPauseMs, useInventoryStore } from './inventory-store';
import { installQuietResizeObserver } from '../../test-support/layout';

/**
 * A core whose queries match the assets `matches` names; a query it does not know is refused as
 * the parser refuses a half-typed clause.
 */
function core(matches: Record<string, string[]>, initial: Settings = defaultSettings): void {
  let settings = initial;
  setBridge(
    createBridge({
      invoke: (channel, request) => {
        if (channel === 'settings:get') return Promise.resolve({ ok: true, data: settings });
        if (channel === 'app:info') return Promise.resolve({ ok: true, data: {} });
        if (channel === 'settings:set') {
          settings = applySettingsPatch(settings, SettingsPatch.parse(request));
          return Promise.resolve({ ok: true, data: settings });
        }
        if (channel !== 'inventory:query') {
          return Promise.resolve({ ok: false, error: { code: 'unknown-channel', message: '' } });
        }
        const { query, offset, limit } = request as {
          query: string;
          offset: number;
          limit: number;
        };
        const names = matches[query];
        if (names === undefined) {
          return Promise.resolve({
            ok: false,
            error: {
              code: 'bad-request',
              message: `Query error at position ${String(query.length)}: a value is missing`,
            },
          });
        }
        const page: InventoryPage = {
          rows: names
            .slice(offset, offset + limit)
            .map((name, i) => ({ id: offset + i + 1, name, ips: [] }) as unknown as AssetRow),
          total: names.length,
          totalExact: true,
          offset,
          limit,
          sources: [],
        };
        return Promise.resolve({ ok: true, data: page });
      },
      on: () => () => undefined,
    }),
  );
}

const count = (): string => screen.getByTestId('inventory-count').textContent.trim();

/** Types into the search box as keys come, each key's answer landing before the next. */
async function type(box: HTMLElement, text: string): Promise<void> {
  await act(async () => {
    fireEvent.change(box, { target: { value: text } });
    for (let i = 0; i < 10; i++) await Promise.resolve();
  });
}

describe('the assets view while a search is typed', () => {
  beforeAll(() => {
    installQuietResizeObserver();
  });
  beforeEach(() => {
    resetQueries();
    useInventoryStore.setState(initialState);
    core({
      '': ['db01', 'web01', 'web02'],
      status: [],
      'status:running': ['web01', 'web02'],
      'os:debian updates>10 cluster:pve-b': ['web02'],
    });
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
    resetQueries();
  });

  it('keeps the rows while a clause is half typed, and says what is wrong once typing pauses', async () => {
    await act(() => useInventoryStore.getState().refresh());
    render(<AssetsView />);
    const box = screen.getByTestId('inventory-search');
    expect(count()).toBe('3 assets');
    for (const text of ['s', 'st', 'status', 'status:', 'status:ru']) {
      await type(box, text);
      // Neither an empty table nor an error at each key.
      expect(count()).toBe('3 assets');
      expect(screen.queryByTestId('inventory-no-match')).toBeNull();
      expect(screen.queryByTestId('query-error')).toBeNull();
    }
    // Typing pauses on a clause that cannot be read: now it is said.
    await waitFor(
      () => {
        expect(screen.getByTestId('query-error').textContent).toContain('a value is missing');
      },
      { timeout: typingPauseMs * 4 },
    );
    await type(box, 'status:running');
    expect(count()).toBe('2 assets');
    expect(screen.queryByTestId('query-error')).toBeNull();
  });

  it('shows that nothing matches once typing pauses, and at once on Enter', async () => {
    await act(() => useInventoryStore.getState().refresh());
    render(<AssetsView />);
    const box = screen.getByTestId('inventory-search');
    await type(box, 'status');
    expect(count()).toBe('3 assets');
    await waitFor(
      () => {
        expect(screen.getByTestId('inventory-no-match').textContent).toContain('status');
      },
      { timeout: typingPauseMs * 4 },
    );
    await type(box, 'status:');
    expect(screen.queryByTestId('query-error')).toBeNull();
    // Enter picks a suggestion while they show; with them closed it runs what was typed.
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(screen.queryByTestId('query-suggestions')).toBeNull();
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(screen.getByTestId('query-error').textContent).toContain('a value is missing');
  });

  it('leaves the box for the table on Escape and keeps the query', async () => {
    await act(() => useInventoryStore.getState().refresh());
    render(<AssetsView />);
    const box = screen.getByTestId('inventory-search');
    box.focus();
    const query = 'os:debian updates>10 cluster:pve-b';
    await type(box, query);
    expect(count()).toBe('1 asset');
    // The first Escape closes the suggestions, the second leaves the box.
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(screen.queryByTestId('query-suggestions')).toBeNull();
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(document.activeElement).toBe(screen.getByTestId('inventory-grid'));
    expect((box as HTMLInputElement).value).toBe(query);
    await act(async () => {
      for (let i = 0; i < 10; i++) await Promise.resolve();
    });
    expect(count()).toBe('1 asset');
    // Back with `/`, a further Escape leaves again without a word lost.
    fireEvent.keyDown(screen.getByTestId('inventory-grid'), { key: '/' });
    expect(document.activeElement).toBe(box);
    fireEvent.keyDown(box, { key: 'Escape' });
    expect((box as HTMLInputElement).value).toBe(query);
    expect(count()).toBe('1 asset');
  });
});

describe('the saved searches above the table', () => {
  beforeAll(() => {
    installQuietResizeObserver();
  });
  beforeEach(async () => {
    resetQueries();
    useInventoryStore.setState(initialState);
    core(
      { '': ['db01', 'web01'], 'tag:prod': ['web01'] },
      {
        ...defaultSettings,
        savedSearches: [
          { name: 'Needs reboot', query: 'reboot:yes' },
          { name: 'Prod', query: 'tag:prod' },
        ],
      },
    );
    await useSettingsStore.getState().load();
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
    resetQueries();
  });

  /** The assets view with its notices, on the rows of the first search. */
  async function showView(): Promise<void> {
    await act(() => useInventoryStore.getState().refresh());
    render(
      <>
        <AssetsView />
        <Toaster />
      </>,
    );
  }
  const chips = (): (string | null)[] =>
    screen.getAllByTestId('saved-search').map((chip) => chip.getAttribute('data-name'));

  it('forgets a search with its ×, and Undo in the notice brings it back', async () => {
    await showView();
    expect(chips()).toEqual(['Needs reboot', 'Prod']);
    fireEvent.click(screen.getByRole('button', { name: 'Forget the saved search Prod' }));
    await waitFor(() => {
      expect(chips()).toEqual(['Needs reboot']);
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Undo' }));
    await waitFor(() => {
      expect(chips()).toEqual(['Needs reboot', 'Prod']);
    });
    expect(screen.getByTitle('tag:prod')).toBeTruthy();
  });

  it('forgets a search from the "+N more" menu by Delete or its ×, with Undo', async () => {
    core(
      { '': ['db01', 'web01'] },
      {
        ...defaultSettings,
        savedSearches: ['Alpha', 'Bravo', 'Charlie', 'Delta'].map((name) => ({
          name,
          query: `tag:${name.toLowerCase()}`,
        })),
      },
    );
    await useSettingsStore.getState().load();
    // Room for two chips on the row's line: the others wrap to a second line, out of sight.
    const offsetTop = vi
      .spyOn(HTMLElement.prototype, 'offsetTop', 'get')
      .mockImplementation(function (this: HTMLElement) {
        return ['Charlie', 'Delta'].includes(this.dataset.name ?? '') ? 30 : 0;
      });
    try {
      await showView();
      const inMenu = (): (string | null)[] =>
        screen.getAllByTestId('saved-more-item').map((item) => item.getAttribute('data-name'));
      const more = screen.getByTestId('saved-more');
      expect(more.textContent).toBe('+2 more');
      const openMenu = async (): Promise<void> => {
        act(() => {
          more.focus();
        });
        fireEvent.keyDown(more, { key: 'Enter' });
        await waitFor(() => {
          expect(document.activeElement?.getAttribute('data-name')).toBe(inMenu()[0]);
        });
      };

      // Delete on the focused item forgets it; the keyboard moves on to the next one.
      await openMenu();
      const charlie = screen.getByRole('menuitem', { name: 'Charlie' });
      expect(charlie.getAttribute('aria-keyshortcuts')).toBe('Delete');
      fireEvent.keyDown(charlie, { key: 'Delete' });
      await waitFor(() => {
        expect(inMenu()).toEqual(['Delta']);
      });
      expect(chips()).toEqual(['Alpha', 'Bravo', 'Delta']);
      expect(document.activeElement).toBe(screen.getByRole('menuitem', { name: 'Delta' }));
      expect(screen.getByText('Forgot the saved search Charlie.')).toBeTruthy();
      // Nothing was run on the way.
      expect(useInventoryStore.getState().query).toBe('');
      fireEvent.keyDown(document.activeElement ?? more, { key: 'Escape' });
      await waitFor(() => {
        expect(screen.queryByRole('menu')).toBeNull();
      });
      const notice = screen.getByText('Forgot the saved search Charlie.').closest('li');
      if (notice === null) throw new Error('no notice');
      fireEvent.click(within(notice).getByRole('button', { name: 'Undo' }));
      await waitFor(() => {
        expect(chips()).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta']);
      });
      expect(more.textContent).toBe('+2 more');

      // The pointer: the × beside an item forgets it without running it.
      await openMenu();
      const deltaRemove = screen.getByTitle('Forget the saved search Delta (Delete)');
      fireEvent.pointerDown(deltaRemove);
      fireEvent.pointerUp(deltaRemove);
      fireEvent.click(deltaRemove);
      await waitFor(() => {
        expect(inMenu()).toEqual(['Charlie']);
      });
      expect(useInventoryStore.getState().query).toBe('');
      expect(screen.getByText('Forgot the saved search Delta.')).toBeTruthy();
      expect(document.activeElement).toBe(screen.getByRole('menuitem', { name: 'Charlie' }));

      // The menu's last search forgotten: the menu and its button go, the keyboard stays in
      // the toolbar.
      fireEvent.keyDown(screen.getByRole('menuitem', { name: 'Charlie' }), { key: 'Delete' });
      await waitFor(() => {
        expect(chips()).toEqual(['Alpha', 'Bravo']);
      });
      expect(screen.queryByTestId('saved-more')).toBeNull();
      expect(screen.queryByRole('menu')).toBeNull();
      await waitFor(() => {
        expect(document.activeElement).toBe(
          screen.getByRole('button', { name: 'Save this search' }),
        );
      });
    } finally {
      offsetTop.mockRestore();
    }
  });
});

describe('the assets of a fresh data folder', () => {
  beforeEach(() => {
    resetQueries();
    useInventoryStore.setState(initialState);
    installFakeBridge((channel, request) => {
      if (channel !== 'inventory:query') return undefined;
      const { offset, limit } = request as { offset: number; limit: number };
      return { rows: [], total: 0, totalExact: true, offset, limit, sources: [] };
    });
    useSyncStore.setState({ status: { sources: [] } as never });
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
    useSyncStore.setState({ status: undefined });
  });

  it('offers to add a profile or import a manifest', async () => {
    useInventoryStore.getState().open();
    render(<AssetsView />);
    await screen.findByTestId('inventory-empty');
    fireEvent.click(screen.getByRole('button', { name: 'Import manifest' }));
    expect(useNavStore.getState().section).toBe('profiles');
    expect(useProfilesStore.getState().dialog).toEqual({ type: 'import' });
    fireEvent.click(screen.getByRole('button', { name: 'Add profile' }));
    expect(useProfilesStore.getState().editor).toMatchObject({ mode: 'new' });
  });
});
