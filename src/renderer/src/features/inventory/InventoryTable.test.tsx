import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { createRef } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AssetRow, InventoryPage } from '../../../../shared/inventory';
import { chordLabel } from '../../app/shortcuts';
import { ShortcutsDialog } from '../../components/ShortcutsDialog';
import { createBridge, setBridge } from '../../lib/bridge';
import { useNavStore } from '../../stores/nav-store';
import { installFakeBridge, unknownChannel } from '../../test-support/fake-bridge';
import { columnIds, defaultLayout, readLayout } from './columns';
import { InventoryTable } from './InventoryTable';
import { initialState, resetQueries, useInventoryStore } from './inventory-store';

/** A core holding `size` assets with ids 1…size, counting only up to `countLimit` when asked. */
function fleet(size: number): void {
  installFakeBridge((channel, request) => {
    if (channel === 'inventory:ids') {
      const { limit } = request as { limit: number };
      return {
        ids: Array.from({ length: Math.min(size, limit) }, (_, i) => i + 1),
        total: size,
      };
    }
    if (channel !== 'inventory:query') return unknownChannel(channel);
    const { offset, limit, countLimit } = request as {
      offset: number;
      limit: number;
      countLimit?: number;
    };
    const rows = Array.from({ length: Math.max(0, Math.min(limit, size - offset)) }, (_, i) => ({
      id: offset + i + 1,
      name: `asset-${String(offset + i)}`,
    })) as unknown as AssetRow[];
    const counted = countLimit === undefined ? size : Math.min(size, countLimit);
    const page: InventoryPage = {
      rows,
      total: counted,
      totalExact: counted === size,
      offset,
      limit,
      sources: [],
    };
    return page;
  });
}

/**
 * A core where each query matches the ids `matches` gives it; the answers of a channel put on
 * hold wait until it is released, as a busy core's would.
 */
function fleetByQuery(matches: Record<string, number[]>) {
  const held = new Set<string>();
  const waiting: { channel: string; answer: () => void }[] = [];
  setBridge(
    createBridge({
      invoke: (channel, request) => {
        const { query, offset, limit } = request as {
          query: string;
          offset: number;
          limit: number;
        };
        const ids = matches[query] ?? [];
        const data =
          channel === 'inventory:ids'
            ? { ids: ids.slice(0, limit), total: ids.length }
            : ({
                rows: ids
                  .slice(offset, offset + limit)
                  .map((id) => ({ id, name: `asset-${String(id)}` })),
                total: ids.length,
                totalExact: true,
                offset,
                limit,
                sources: [],
              } as unknown as InventoryPage);
        return new Promise((resolve) => {
          const answer = (): void => {
            resolve({ ok: true, data });
          };
          if (held.has(channel)) waiting.push({ channel, answer });
          else answer();
        });
      },
      on: () => () => undefined,
    }),
  );
  return {
    hold: (channel: string): void => {
      held.add(channel);
    },
    release: async (channel: string): Promise<void> => {
      held.delete(channel);
      await act(async () => {
        for (const call of waiting.filter((c) => c.channel === channel)) call.answer();
        for (let i = 0; i < 10; i++) await Promise.resolve();
      });
    },
  };
}

async function showTable(): Promise<HTMLElement> {
  await act(() => useInventoryStore.getState().refresh());
  const { cache } = useInventoryStore.getState();
  if (!cache) throw new Error('no rows');
  render(<InventoryTable cache={cache} groupBy="none" gridRef={createRef()} />);
  return screen.getByTestId('inventory-grid');
}

const press = (grid: HTMLElement, key: string, shiftKey = false, ctrlKey = false): void => {
  act(() => {
    fireEvent.keyDown(grid, { key, shiftKey, ctrlKey });
  });
};
const selected = (): number[] => [...useInventoryStore.getState().selected].sort((a, b) => a - b);

describe('the inventory table from the keyboard', () => {
  beforeEach(() => {
    resetQueries();
    useInventoryStore.setState(initialState);
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
    useNavStore.setState({ shortcutsOpen: false });
  });

  it('selects a range with Shift and the arrows, from the row where it began', async () => {
    fleet(50);
    const grid = await showTable();
    press(grid, 'ArrowDown');
    press(grid, 'ArrowDown', true);
    press(grid, 'ArrowDown', true);
    // Rows 1 to 3 (ids 2 to 4): the row the range began on is in it.
    expect(selected()).toEqual([2, 3, 4]);
    // Back towards the start shrinks the range.
    press(grid, 'ArrowUp', true);
    expect(selected()).toEqual([2, 3]);
    // A plain move ends the range; the next one adds to what is selected.
    press(grid, 'ArrowDown');
    press(grid, 'ArrowDown');
    press(grid, 'ArrowDown');
    press(grid, 'ArrowDown', true);
    expect(selected()).toEqual([2, 3, 6, 7]);
    // Clearing the selection starts afresh.
    press(grid, 'Escape');
    press(grid, 'ArrowUp', true);
    expect(selected()).toEqual([6, 7]);
  });

  it('Ctrl+A selects every matching asset, not only the rows loaded so far', async () => {
    fleet(2500);
    const grid = await showTable();
    // Only the first rows are loaded.
    expect(useInventoryStore.getState().cache?.loadedRows().length).toBeLessThan(2500);
    await act(async () => {
      fireEvent.keyDown(grid, { key: 'a', ctrlKey: true });
      for (let i = 0; i < 5; i++) await Promise.resolve();
    });
    expect(selected()).toHaveLength(2500);
    expect(selected().at(-1)).toBe(2500);
  });

  it('Ctrl+A stops at the most a selection holds, and says so', async () => {
    fleet(12_000);
    const grid = await showTable();
    const { Toaster } = await import('sonner');
    render(<Toaster />);
    await act(async () => {
      fireEvent.keyDown(grid, { key: 'a', metaKey: true });
      for (let i = 0; i < 5; i++) await Promise.resolve();
    });
    expect(selected()).toHaveLength(10_000);
    expect(
      await screen.findByText(/Selected the first 10,000 of 12,000 matching assets/),
    ).toBeTruthy();
  });

  it('Ctrl+A right after typing a query selects what that query matches, once it lands', async () => {
    const core = fleetByQuery({ '': [1, 2, 3, 4, 5], 'tag:prod': [7, 8, 9] });
    const grid = await showTable();
    core.hold('inventory:query');
    core.hold('inventory:ids');
    act(() => {
      useInventoryStore.getState().setDraft('tag:prod');
    });
    // The table still shows the previous rows when Ctrl+A is pressed.
    press(grid, 'a', false, true);
    await core.release('inventory:query');
    await core.release('inventory:ids');
    expect(useInventoryStore.getState().query).toBe('tag:prod');
    expect(selected()).toEqual([7, 8, 9]);
  });

  it('Ctrl+A then a new search before the answer: selects nothing, says so, and works again', async () => {
    const core = fleetByQuery({ '': [1, 2, 3, 4, 5], 'tag:prod': [7, 8, 9] });
    const grid = await showTable();
    const { Toaster } = await import('sonner');
    render(<Toaster />);
    core.hold('inventory:ids');
    press(grid, 'a', false, true);
    await act(async () => {
      useInventoryStore.getState().setDraft('tag:prod');
      for (let i = 0; i < 10; i++) await Promise.resolve();
    });
    expect(useInventoryStore.getState().query).toBe('tag:prod');
    await core.release('inventory:ids');
    expect(selected()).toEqual([]);
    expect(await screen.findByText(/The search changed before its matching assets/)).toBeTruthy();
    expect(screen.getByText(/Press Ctrl\+A again/)).toBeTruthy();
    // Pressed again: the search shown now.
    press(grid, 'a', false, true);
    await core.release('inventory:ids');
    expect(selected()).toEqual([7, 8, 9]);
    // Pressed again after the next search too, before the first answer: only the last press
    // counts, and it is not told to press again.
    core.hold('inventory:ids');
    press(grid, 'a', false, true);
    await act(async () => {
      useInventoryStore.getState().setDraft('');
      for (let i = 0; i < 10; i++) await Promise.resolve();
    });
    press(grid, 'a', false, true);
    await core.release('inventory:ids');
    expect(selected()).toEqual([1, 2, 3, 4, 5]);
    expect(screen.getAllByText(/The search changed before its matching assets/)).toHaveLength(1);
  });

  it('End reaches the last asset even while the count shows "1,000+"', async () => {
    fleet(2500);
    const grid = await showTable();
    expect(useInventoryStore.getState()).toMatchObject({ total: 1000, totalExact: false });
    await act(async () => {
      fireEvent.keyDown(grid, { key: 'End' });
      for (let i = 0; i < 10; i++) await Promise.resolve();
    });
    expect(useInventoryStore.getState()).toMatchObject({
      total: 2500,
      totalExact: true,
      focused: 2499,
    });
  });

  it('sorts from a header the keyboard reaches, without the grid taking its keys', async () => {
    fleet(50);
    await showTable();
    const name = screen.getByRole('button', { name: 'Name' });
    name.focus();
    // Enter on the header is the header's: it neither opens the focused row nor selects it.
    press(name, 'Enter');
    press(name, ' ');
    expect(useInventoryStore.getState()).toMatchObject({ detailId: undefined });
    expect(selected()).toEqual([]);
    act(() => {
      fireEvent.click(name);
    });
    expect(useInventoryStore.getState().sort).toEqual({ field: 'name', direction: 'desc' });
    expect(screen.getByTestId('column-name').getAttribute('aria-sort')).toBe('descending');
    // Columns without a server sort have no button.
    expect(screen.queryByRole('button', { name: 'Sources' })).toBeNull();
    // Every column has a name, the narrow ones without a visible word included.
    const headers = screen.getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers.slice(0, 2)).toEqual(['Select', 'Freshness']);
    expect(headers.every((text) => text !== '')).toBe(true);
  });

  it('sorts by the first group from the Groups header', async () => {
    fleet(50);
    useInventoryStore.getState().setLayout({ order: [...columnIds], hidden: [] });
    await showTable();
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Groups' }));
    });
    expect(useInventoryStore.getState().sort).toEqual({ field: 'group', direction: 'asc' });
    expect(screen.getByTestId('column-groups').getAttribute('aria-sort')).toBe('ascending');
  });

  /**
   * The keys the list shows for the table's rows, as it writes them ("↓", "Ctrl+A"); a row that
   * says Shift does more adds its keys with Shift. The search box's `/` and SSH's `s` are the
   * assets view's, not the table's.
   */
  function keysListed(): Set<string> {
    useNavStore.setState({ shortcutsOpen: true });
    render(<ShortcutsDialog />);
    const inventory = within(screen.getByRole('region', { name: 'Inventory' }));
    const listed = new Set<string>();
    for (const row of inventory.getAllByTestId(/^shortcut-/)) {
      const id = row.dataset.testid;
      if (id === 'shortcut-inventory-search' || id === 'shortcut-inventory-ssh') continue;
      const withShift = (row.querySelector('dt')?.textContent ?? '').includes('with Shift');
      for (const kbd of Array.from(row.querySelectorAll('kbd'))) {
        listed.add(kbd.textContent);
        // Shift goes after the other modifiers, as the list writes a chord: Ctrl+Shift+Home.
        if (withShift) listed.add(kbd.textContent.replace(/^((?:Ctrl\+|Alt\+)*)/, '$1Shift+'));
      }
    }
    cleanup();
    useNavStore.setState({ shortcutsOpen: false });
    return listed;
  }

  it('answers exactly the keys the list shows for it', async () => {
    const listed = keysListed();
    expect(listed).toContain('Shift+↓');
    expect(listed).toContain('Ctrl+A');
    expect(listed).toContain('Ctrl+Shift+End');
    fleet(50);
    const grid = await showTable();
    const keys = [
      ...['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'PageUp', 'PageDown', 'Home', 'End'],
      ...['Enter', ' ', 'Escape', 'Delete', 'Backspace', 'Tab', 'F2', 'a', 'c', 'x'],
    ];
    const modifiers = [
      {},
      { shiftKey: true },
      { ctrlKey: true },
      { altKey: true },
      { ctrlKey: true, shiftKey: true },
    ];
    const state = (): string => {
      const { focused, selected, detailId } = useInventoryStore.getState();
      return JSON.stringify({ focused, selected: [...selected], detailId });
    };
    const answered = new Set<string>();
    for (const key of keys) {
      for (const modifier of modifiers) {
        // On the eleventh row, with one asset selected and no detail open: every key the table
        // answers changes one of these, or at least keeps the key from the page.
        act(() => {
          useInventoryStore.setState({ focused: 10, selected: new Set([3]), detailId: undefined });
        });
        const before = state();
        const prevented = await act(async () => {
          const kept = !fireEvent.keyDown(grid, { key, ...modifier });
          for (let i = 0; i < 5; i++) await Promise.resolve();
          return kept;
        });
        if (prevented || state() !== before) {
          answered.add(
            chordLabel({
              key,
              mod: modifier.ctrlKey === true ? 'ctrl-or-cmd' : undefined,
              alt: modifier.altKey,
              shift: modifier.shiftKey,
            }),
          );
        }
      }
    }
    expect([...answered].sort()).toEqual([...listed].sort());
  });
});

describe('the widths of the inventory table’s columns', () => {
  beforeEach(() => {
    window.localStorage.clear();
    resetQueries();
    useInventoryStore.setState(initialState);
    useInventoryStore.getState().setLayout(defaultLayout);
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
    window.localStorage.clear();
  });

  const edge = (label: string): HTMLElement =>
    screen.getByRole('separator', { name: `Width of the ${label} column` });
  const widthOf = (label: string): string | null => edge(label).getAttribute('aria-valuenow');
  /** The widths the columns are laid out at (the header's; the rows take the same). */
  const laidOut = (): string => screen.getAllByRole('row')[0]?.style.gridTemplateColumns ?? '';

  it('makes each column but selection and freshness wider or narrower from the keyboard', async () => {
    fleet(50);
    await showTable();
    // One edge per shown column that resizes, each a tab stop.
    const edges = screen.getAllByRole('separator');
    expect(edges.map((e) => e.getAttribute('aria-label'))).toEqual(
      [
        'Name',
        'Kind',
        'Status',
        'Sources',
        'OS',
        'IP addresses',
        'Cluster',
        'Updates',
        'Security',
        'Reboot',
      ].map((label) => `Width of the ${label} column`),
    );
    for (const e of edges) {
      expect(e.tabIndex).toBe(0);
      const before = Number(e.getAttribute('aria-valuenow'));
      act(() => {
        e.focus();
      });
      press(e, 'ArrowRight');
      expect(Number(e.getAttribute('aria-valuenow'))).toBe(before + 10);
    }

    const kind = edge('Kind');
    act(() => {
      kind.focus();
    });
    expect(kind.getAttribute('aria-valuemin')).toBe('56');
    expect(kind.getAttribute('aria-valuemax')).toBe('600');
    press(kind, 'ArrowLeft');
    expect(widthOf('Kind')).toBe('78');
    press(kind, 'ArrowRight', true);
    expect(widthOf('Kind')).toBe('128');
    expect(laidOut()).toContain(' 128px ');
    // Home and End: the narrowest and the widest, not the first and last rows.
    press(kind, 'End');
    expect(widthOf('Kind')).toBe('600');
    press(kind, 'Home');
    expect(widthOf('Kind')).toBe('56');
    press(kind, 'ArrowLeft');
    expect(widthOf('Kind')).toBe('56');
    expect(useInventoryStore.getState().focused).toBe(0);
    // Enter, as a double-click: its default width, and nothing opened.
    press(kind, 'Enter');
    expect(widthOf('Kind')).toBe('78');
    expect(useInventoryStore.getState().detailId).toBeUndefined();
  });

  it('keeps the widths given for the next time the table is shown', async () => {
    fleet(50);
    await showTable();
    const updates = edge('Updates');
    act(() => {
      updates.focus();
    });
    press(updates, 'Home');
    const os = edge('OS');
    act(() => {
      os.focus();
    });
    press(os, 'ArrowRight', true);
    press(os, 'ArrowRight', true);
    cleanup();
    // As after a restart: the layout read again from where it is kept.
    resetQueries();
    useInventoryStore.setState({ ...initialState, layout: readLayout() });
    await showTable();
    expect(widthOf('Updates')).toBe('48');
    expect(widthOf('OS')).toBe('232');
    expect(laidOut()).toContain(' 232px ');
    expect(laidOut()).toContain(' 48px ');
  });
});
