import { create } from 'zustand';
import type { AppErrorShape } from '../../../../shared/errors';
import { maxExportIds, type Facets } from '../../../../shared/inventory';
import { bridge } from '../../lib/bridge';
import { groupSort, readLayout, writeLayout, type ColumnLayout, type GroupBy } from './columns';
import { RowCache, type PageFetcher, type Sort } from './row-cache';

export type InventoryTab = 'assets' | 'overview' | 'drift' | 'sync';
export type InventoryDialog = 'export' | 'columns' | 'save-search';

interface InventoryState {
  tab: InventoryTab;
  /** The text in the search box. */
  draft: string;
  /** The query behind the rows shown: the last one that ran without error. */
  query: string;
  sort: Sort;
  groupBy: GroupBy;
  cache: RowCache | undefined;
  total: number;
  /** False while `total` is a lower bound: the full count is read once typing pauses. */
  totalExact: boolean;
  /** Why the text in the box is not the query shown (a parse error), inline under the box. */
  queryError: AppErrorShape | undefined;
  /**
   * Keys are going into the search box: a parse error is not shown yet, and an answer with no
   * rows keeps the last rows up (`status` on the way to `status:running`) until typing pauses.
   */
  typing: boolean;
  loadError: AppErrorShape | undefined;
  layout: ColumnLayout;
  selected: ReadonlySet<number>;
  /** Index of the keyboard-focused row. */
  focused: number;
  detailId: number | undefined;
  /** The detail, once shown, takes the keyboard (opened from outside the table: the palette). */
  detailTakesFocus: boolean;
  /** The asset whose detail, once it has read the asset, opens SSH to it (its `s` key). */
  sshRequested: number | undefined;
  facets: Facets | undefined;
  dialog: InventoryDialog | undefined;
}

export type SelectAllResult =
  | { ok: true; selected: number; total: number }
  | { ok: false; message: string }
  /** The query changed while the ids were on their way: nothing was selected. */
  | { ok: 'stale' }
  /** A later Ctrl+A took over; it says how that went. */
  | { ok: 'superseded' };

interface InventoryActions {
  setTab: (tab: InventoryTab) => void;
  /** The text in the search box changed: runs it, as typing (see `typing`). */
  setDraft: (draft: string) => void;
  /** Typing paused, or Enter: what the text in the box answers shows, errors and no rows too. */
  settle: () => void;
  /** Shows the assets matching a query (from the overview, drift or a saved search). */
  applyQuery: (query: string) => void;
  setSort: (sort: Sort) => void;
  setGroupBy: (groupBy: GroupBy) => void;
  /** Runs the current query again, e.g. after a sync, keeping the place in the table. */
  refresh: () => Promise<void>;
  /** Reads the fleet's facets (one request at a time; callers share the one on its way). */
  loadFacets: () => Promise<void>;
  /**
   * The inventory section opened: runs the query and reads the facets only when there are none
   * yet or the inventory changed while the section was closed. Returns the closing function.
   */
  open: () => () => void;
  /** The stored inventory changed: reload now when the section is open, else when it opens. */
  inventoryChanged: () => void;
  setLayout: (layout: ColumnLayout) => void;
  toggleSelected: (id: number) => void;
  setSelected: (ids: Iterable<number>) => void;
  /**
   * Selects every asset the query matches, not only the rows loaded so far — up to
   * `maxExportIds`, as many as one export names. A query on its way is the one it selects for.
   * Says how many it selected of how many match, or why it could not; a query changed after it
   * began keeps the selection as it was, and says so.
   */
  selectAll: () => Promise<SelectAllResult>;
  focus: (index: number) => void;
  openDetail: (id: number | undefined, options?: { focus?: boolean }) => void;
  /** Opens the asset's detail and, in it, SSH to the asset as its SSH button does. */
  openSsh: (id: number) => void;
  /** The detail took the SSH request up. */
  sshDone: () => void;
  openDialog: (dialog: InventoryDialog | undefined) => void;
}

const fetchPage: PageFetcher = (request) => bridge().call('inventory:query', request);

export const initialState: InventoryState = {
  tab: 'assets',
  draft: '',
  query: '',
  sort: { field: 'name', direction: 'asc' },
  groupBy: 'none',
  cache: undefined,
  total: 0,
  totalExact: true,
  queryError: undefined,
  typing: false,
  loadError: undefined,
  layout: { order: [], hidden: [] },
  selected: new Set(),
  focused: 0,
  detailId: undefined,
  detailTakesFocus: false,
  sshRequested: undefined,
  facets: undefined,
  dialog: undefined,
};

/** How long typing must pause before the full count of a broad query is read. */
export const exactCountDelayMs = 300;

/** How long typing must pause before a parse error or an empty answer replaces the rows. */
export const typingPauseMs = 600;

interface QueryRun {
  query: string;
  sort: Sort;
  keepPlace: boolean;
  /** Sent from the search box as keys came. */
  typed?: boolean;
}

type QueryAnswer = Awaited<ReturnType<typeof RowCache.open>>;

/**
 * The queries behind the table, newest first: one request is on its way to the core at a time,
 * and while it runs only the newest text waits to follow it (the texts typed in between are never
 * sent). An answer that a newer text superseded on the way is dropped; the table keeps showing
 * the previous rows until the newest answer lands.
 */
let queued: QueryRun | undefined;
let draining: Promise<void> | undefined;
/** A newer query is waiting: the answer that just came is already out of date. */
const superseded = (): boolean => queued !== undefined;

/** An answer with no rows to a text typed, kept back until typing pauses. */
let held: { run: QueryRun; result: QueryAnswer } | undefined;
let pauseTimer: ReturnType<typeof setTimeout> | undefined;

/** Counts Ctrl+A presses: only the answer to the latest one is used. */
let selectAllRuns = 0;

/** The facets request on its way, shared by everyone who asks meanwhile. */
let facetsLoading: Promise<void> | undefined;
/** The inventory section is on screen. */
let sectionOpen = false;
/** An `inventory:changed` came while the section was closed. */
let changedWhileClosed = false;

/** For tests: forget a query left in flight by a previous test. */
export function resetQueries(): void {
  queued = undefined;
  draining = undefined;
  held = undefined;
  clearTimeout(pauseTimer);
  pauseTimer = undefined;
  facetsLoading = undefined;
  sectionOpen = false;
  changedWhileClosed = false;
}

export const useInventoryStore = create<InventoryState & InventoryActions>()((set, get) => {
  const land = (run: QueryRun, result: QueryAnswer): void => {
    held = undefined;
    const s = get();
    // Mid-word, a text often matches nothing (`status` before `:running`): the rows stay up
    // until typing pauses rather than the table emptying and filling again at each key.
    if (result.ok && run.typed && s.typing && result.data.cache.total === 0 && s.total > 0) {
      held = { run, result };
      set({ queryError: undefined });
      return;
    }
    if (!result.ok) {
      if (result.error.code === 'bad-request') set({ queryError: result.error });
      else set({ loadError: result.error });
      return;
    }
    const { cache } = result.data;
    set((s) => ({
      cache,
      total: cache.total,
      totalExact: cache.totalExact,
      query: run.query,
      sort: run.sort,
      queryError: undefined,
      loadError: undefined,
      focused: run.keepPlace ? Math.min(s.focused, Math.max(0, cache.total - 1)) : 0,
    }));
    if (!cache.totalExact) {
      // The full count lands in the cache (read after a pause, or at once by scrolling near the
      // end of the first count); the count shown follows it.
      cache.subscribe(() => {
        const s = get();
        if (s.cache === cache && (s.total !== cache.total || s.totalExact !== cache.totalExact)) {
          set({ total: cache.total, totalExact: cache.totalExact });
        }
      });
      countLater(cache);
    }
  };

  /**
   * The full count of a broad query is read once typing pauses, so it never sits in front of the
   * answer to the next keystroke; a newer query makes it unnecessary.
   */
  const countLater = (cache: RowCache): void => {
    setTimeout(() => {
      if (get().cache !== cache || queued !== undefined) return;
      void cache.countExactly();
    }, exactCountDelayMs);
  };

  const drain = async (): Promise<void> => {
    for (let next = queued; next !== undefined; next = queued) {
      queued = undefined;
      const result = await RowCache.open(fetchPage, next.query, next.sort);
      if (!superseded()) land(next, result);
    }
  };

  /** Resolves once the newest query has landed (or failed). */
  const run = (query: string, sort: Sort, keepPlace: boolean, typed = false): Promise<void> => {
    queued = { query, sort, keepPlace, typed };
    draining ??= drain().finally(() => {
      draining = undefined;
    });
    return draining;
  };

  return {
    ...initialState,
    layout: readLayout(),
    setTab: (tab) => {
      set({ tab });
    },
    setDraft: (draft) => {
      set({ draft, typing: true });
      clearTimeout(pauseTimer);
      pauseTimer = setTimeout(() => {
        get().settle();
      }, typingPauseMs);
      void run(draft, get().sort, false, true);
    },
    settle: () => {
      clearTimeout(pauseTimer);
      pauseTimer = undefined;
      set({ typing: false });
      // A newer text on its way lands as it comes, now that typing paused.
      const waiting = held;
      if (waiting !== undefined && draining === undefined) land(waiting.run, waiting.result);
    },
    applyQuery: (query) => {
      set({ tab: 'assets', draft: query, detailId: undefined });
      void run(query, get().sort, false);
    },
    setSort: (sort) => {
      // The server sorts on one field: another one than the group's breaks the groups up into
      // pieces, so sorting by it ends the grouping.
      const { groupBy } = get();
      const grouped = groupBy !== 'none' && groupSort[groupBy] === sort.field;
      set({ sort, groupBy: grouped ? groupBy : 'none' });
      void run(get().query, sort, false);
    },
    setGroupBy: (groupBy) => {
      const sort: Sort =
        groupBy === 'none' ? get().sort : { field: groupSort[groupBy], direction: 'asc' };
      set({ groupBy, sort });
      void run(get().query, sort, false);
    },
    refresh: () => run(get().query, get().sort, true),
    loadFacets: () => {
      facetsLoading ??= bridge()
        .call('inventory:facets', {})
        .then((result) => {
          if (result.ok) set({ facets: result.data });
        })
        .finally(() => {
          facetsLoading = undefined;
        });
      return facetsLoading;
    },
    open: () => {
      sectionOpen = true;
      const { cache, facets, refresh, loadFacets } = get();
      if (cache === undefined || changedWhileClosed) void refresh();
      if (facets === undefined || changedWhileClosed) void loadFacets();
      changedWhileClosed = false;
      return () => {
        sectionOpen = false;
      };
    },
    inventoryChanged: () => {
      if (!sectionOpen) {
        changedWhileClosed = true;
        return;
      }
      void get().refresh();
      void get().loadFacets();
    },
    setLayout: (layout) => {
      writeLayout(layout);
      set({ layout });
    },
    toggleSelected: (id) => {
      set((s) => {
        const selected = new Set(s.selected);
        if (!selected.delete(id)) selected.add(id);
        return { selected };
      });
    },
    setSelected: (ids) => {
      set({ selected: new Set(ids) });
    },
    selectAll: async () => {
      const run = ++selectAllRuns;
      // The table is about to show a query on its way (typed just before moving to the table):
      // "everything" means its matches, not those of the rows it replaces.
      if (draining) await draining;
      const { query, sort } = get();
      const result = await bridge().call('inventory:ids', { query, sort, limit: maxExportIds });
      if (run !== selectAllRuns) return { ok: 'superseded' };
      // Changed after the press: selecting the new query's matches, which may be thousands the
      // user never asked for, is riskier than asking for the press again.
      if (get().query !== query || get().sort !== sort) return { ok: 'stale' };
      if (!result.ok) return { ok: false, message: result.error.message };
      set({ selected: new Set(result.data.ids) });
      return { ok: true, selected: result.data.ids.length, total: result.data.total };
    },
    focus: (index) => {
      const total = get().total;
      set({ focused: Math.max(0, Math.min(index, total - 1)) });
    },
    openSsh: (id) => {
      set({ detailId: id, sshRequested: id });
    },
    sshDone: () => {
      set({ sshRequested: undefined });
    },
    openDetail: (detailId, options) => {
      set({ detailId, detailTakesFocus: options?.focus === true, sshRequested: undefined });
    },
    openDialog: (dialog) => {
      set({ dialog });
    },
  };
});

// ---------------------------------------------------------------------------------------------
// Selectors

export const inventorySelectors = {
  visibleColumns: (s: Pick<InventoryState, 'layout'>) =>
    s.layout.order.filter((id) => !s.layout.hidden.includes(id)),
  /** The draft differs from what the table shows (an error, or an answer on its way). */
  stale: (s: Pick<InventoryState, 'draft' | 'query'>) => s.draft !== s.query,
};
