import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AssetRow, InventoryPage } from '../../../../shared/inventory';
import type { Result } from '../../../../shared/result';
import { createBridge, setBridge } from '../../lib/bridge';
import { initialState, resetQueries, useInventoryStore } from './inventory-store';

interface Call {
  query: string;
  answer: (result: Result<InventoryPage>) => void;
}

/** A core whose query answers the test releases by hand, in any order. */
function slowCore() {
  const calls: Call[] = [];
  const bridge = createBridge({
    invoke: (channel, payload) =>
      new Promise((resolve) => {
        if (channel !== 'inventory:query') {
          resolve({ ok: false, error: { code: 'unknown-channel', message: channel } });
          return;
        }
        calls.push({ query: (payload as { query: string }).query, answer: resolve });
      }),
    on: () => () => undefined,
  });
  const page = (query: string, total: number): InventoryPage => ({
    rows: Array.from(
      { length: Math.min(total, 3) },
      (_, i) => ({ id: i + 1, name: `${query}-${String(i)}` }) as unknown as AssetRow,
    ),
    total,
    offset: 0,
    limit: 100,
    sources: [],
  });
  /** Answers the call for `query` with `total` matching assets. */
  const answer = async (query: string, total: number): Promise<void> => {
    const call = calls.find((c) => c.query === query);
    if (!call) throw new Error(`no call for "${query}"`);
    call.answer({ ok: true, data: page(query, total) });
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { bridge, calls, answer };
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
    expect(core.calls.map((c) => c.query)).toEqual(['', 'd']);
    // The previous rows stay on screen meanwhile.
    expect(names()).toEqual(['-0', '-1', '-2']);
    expect(useInventoryStore.getState().draft).toBe('deb');

    await core.answer('d', 300);
    // "de" was overtaken by "deb" before it was ever sent; the answer to "d" is dropped.
    expect(core.calls.map((c) => c.query)).toEqual(['', 'd', 'deb']);
    expect(useInventoryStore.getState().query).toBe('');
    expect(names()).toEqual(['-0', '-1', '-2']);

    await core.answer('deb', 40);
    const state = useInventoryStore.getState();
    expect(state.query).toBe('deb');
    expect(state.total).toBe(40);
    expect(names()).toEqual(['deb-0', 'deb-1', 'deb-2']);
  });

  it('shows an answer as soon as it lands when nothing newer was typed', async () => {
    const store = useInventoryStore.getState();
    store.setDraft('web');
    await core.answer('web', 12);
    expect(useInventoryStore.getState().query).toBe('web');
    store.setDraft('web-0');
    expect(core.calls.map((c) => c.query)).toEqual(['web', 'web-0']);
    await core.answer('web-0', 2);
    expect(names()).toEqual(['web-0-0', 'web-0-1']);
  });
});
