import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AssetRow, InventoryPage } from '../../../../shared/inventory';
import type { Result } from '../../../../shared/result';
import { createBridge, setBridge } from '../../lib/bridge';
import {
  exactCountDelayMs,
  initialState,
  resetQueries,
  useInventoryStore,
} from './inventory-store';

interface Call {
  query: string;
  limit: number;
  countLimit: number | undefined;
  answer: (result: Result<InventoryPage>) => void;
}

/** A core whose query answers the test releases by hand, in any order. */
function slowCore() {
  const calls: Call[] = [];
  const facetRequests: string[] = [];
  const bridge = createBridge({
    invoke: (channel, payload) =>
      new Promise((resolve) => {
        if (channel === 'inventory:facets') {
          facetRequests.push(channel);
          resolve({ ok: true, data: { total: 500 } });
          return;
        }
        if (channel !== 'inventory:query') {
          resolve({ ok: false, error: { code: 'unknown-channel', message: channel } });
          return;
        }
        const request = payload as { query: string; limit: number; countLimit?: number };
        calls.push({
          query: request.query,
          limit: request.limit,
          countLimit: request.countLimit,
          answer: resolve,
        });
      }),
    on: () => () => undefined,
  });
  const page = (query: string, total: number, totalExact = true): InventoryPage => ({
    rows: Array.from(
      { length: Math.min(total, 3) },
      (_, i) => ({ id: i + 1, name: `${query}-${String(i)}` }) as unknown as AssetRow,
    ),
    total,
    totalExact,
    offset: 0,
    limit: 100,
    sources: [],
  });
  /** Answers the first unanswered call for `query` with `total` matching assets. */
  const answer = async (query: string, total: number, totalExact = true): Promise<void> => {
    const index = calls.findIndex((c) => c.query === query);
    const call = calls[index];
    if (!call) throw new Error(`no call for "${query}"`);
    calls.splice(index, 1);
    answered.push(call);
    call.answer({ ok: true, data: page(query, total, totalExact) });
    await flush();
  };
  const answered: Call[] = [];
  const sent = (): string[] => [...answered, ...calls].map((c) => c.query);
  return { bridge, calls, answer, sent, facetRequests };
}

/** Lets the answers' promise chains run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

const names = (): string[] => {
  const { cache } = useInventoryStore.getState();
  return [0, 1, 2].flatMap((i) => cache?.row(i)?.name ?? []);
};

describe('inventory search while typing', () => {
  let core: ReturnType<typeof slowCore>;
  beforeEach(() => {
    core = slowCore();
    setBridge(core.bridge);
    resetQueries();
    useInventoryStore.setState(initialState);
  });
  afterEach(() => {
    setBridge(undefined);
  });

  it('sends only the newest text after a slow answer and never shows a superseded one', async () => {
    const store = useInventoryStore.getState();
    void store.refresh();
    await core.answer('', 500);
    expect(useInventoryStore.getState().total).toBe(500);

    store.setDraft('d');
    store.setDraft('de');
    store.setDraft('deb');
    // One request at a time: "de" and "deb" wait until the answer to "d" is in.
    expect(core.sent()).toEqual(['', 'd']);
    // The previous rows stay on screen meanwhile.
    expect(names()).toEqual(['-0', '-1', '-2']);
    expect(useInventoryStore.getState().draft).toBe('deb');

    await core.answer('d', 300);
    // "de" was overtaken by "deb" before it was ever sent; the answer to "d" is dropped.
    expect(core.sent()).toEqual(['', 'd', 'deb']);
    expect(useInventoryStore.getState().query).toBe('');
    expect(names()).toEqual(['-0', '-1', '-2']);

    await core.answer('deb', 40);
    const state = useInventoryStore.getState();
    expect(state.query).toBe('deb');
    expect(state.total).toBe(40);
    expect(names()).toEqual(['deb-0', 'deb-1', 'deb-2']);
  });

  it('ends the grouping when a column sorts by another field, which would break the groups up', () => {
    const store = useInventoryStore.getState();
    store.setGroupBy('kind');
    expect(useInventoryStore.getState().sort).toEqual({ field: 'kind', direction: 'asc' });
    // The group's own column turns around and keeps its groups together.
    store.setSort({ field: 'kind', direction: 'desc' });
    expect(useInventoryStore.getState()).toMatchObject({
      groupBy: 'kind',
      sort: { field: 'kind', direction: 'desc' },
    });
    store.setSort({ field: 'name', direction: 'asc' });
    expect(useInventoryStore.getState()).toMatchObject({
      groupBy: 'none',
      sort: { field: 'name', direction: 'asc' },
    });
  });

  it('shows an answer as soon as it lands when nothing newer was typed', async () => {
    const store = useInventoryStore.getState();
    store.setDraft('web');
    await core.answer('web', 12);
    expect(useInventoryStore.getState().query).toBe('web');
    store.setDraft('web-0');
    expect(core.sent()).toEqual(['web', 'web-0']);
    await core.answer('web-0', 2);
    expect(names()).toEqual(['web-0-0', 'web-0-1']);
  });

  it('shows the rows of a broad query before its full count, which follows once typing pauses', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const store = useInventoryStore.getState();
      store.setDraft('d');
      // The first answer counts only up to a limit.
      expect(core.calls[0]?.countLimit).toBeGreaterThan(0);
      await core.answer('d', 1000, false);
      expect(useInventoryStore.getState()).toMatchObject({
        query: 'd',
        total: 1000,
        totalExact: false,
      });
      expect(names()).toEqual(['d-0', 'd-1', 'd-2']);

      // Typing on before the pause: no count for "d" is ever asked for.
      vi.advanceTimersByTime(exactCountDelayMs / 2);
      store.setDraft('de');
      await core.answer('de', 1000, false);
      vi.advanceTimersByTime(exactCountDelayMs);
      await flush();
      expect(core.sent()).toEqual(['d', 'de', 'de']);
      // The full count of "de" is read without a limit and lands in the count shown.
      const count = core.calls[0];
      expect(count).toMatchObject({ query: 'de', countLimit: undefined, limit: 1 });
      await core.answer('de', 44_240);
      expect(useInventoryStore.getState()).toMatchObject({
        query: 'de',
        total: 44_240,
        totalExact: true,
      });
      expect(useInventoryStore.getState().cache?.total).toBe(44_240);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reopening the section reads nothing again unless the inventory changed meanwhile', async () => {
    const store = useInventoryStore.getState();
    const close = store.open();
    await core.answer('', 500);
    expect(core.sent()).toEqual(['']);
    expect(core.facetRequests).toHaveLength(1);
    close();

    // Back to the section: rows and facets are the ones already read.
    const closeAgain = store.open();
    await flush();
    expect(core.sent()).toEqual(['']);
    expect(core.facetRequests).toHaveLength(1);
    closeAgain();

    // A sync lands while another section is open: the section reads both again when it opens.
    store.inventoryChanged();
    expect(core.sent()).toEqual(['']);
    const closeThird = store.open();
    await core.answer('', 520);
    expect(useInventoryStore.getState().total).toBe(520);
    expect(core.facetRequests).toHaveLength(2);

    // While it is open, a change reloads at once.
    store.inventoryChanged();
    await core.answer('', 530);
    expect(useInventoryStore.getState().total).toBe(530);
    expect(core.facetRequests).toHaveLength(3);
    closeThird();
  });
});
