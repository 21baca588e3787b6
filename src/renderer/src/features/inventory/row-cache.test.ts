import { describe, expect, it } from 'vitest';
import type { AssetRow, InventoryPage } from '../../../../shared/inventory';
import { firstPageSize, pageSize, RowCache, type PageFetcher } from './row-cache';

function fakeFleet(total: number) {
  const requests: { offset: number; limit: number }[] = [];
  const fetcher: PageFetcher = (request) => {
    requests.push({ offset: request.offset, limit: request.limit });
    const rows = Array.from(
      { length: Math.max(0, Math.min(request.limit, total - request.offset)) },
      (_, i) => ({ id: request.offset + i + 1, name: `asset-${String(request.offset + i)}` }),
    ) as unknown as AssetRow[];
    const page: InventoryPage = {
      rows,
      total,
      offset: request.offset,
      limit: request.limit,
      sources: [],
    };
    return Promise.resolve({ ok: true, data: page });
  };
  return { fetcher, requests };
}

const sort = { field: 'name', direction: 'asc' } as const;

describe('RowCache', () => {
  it('fetches only the pages of the visible window, each once', async () => {
    const { fetcher, requests } = fakeFleet(100_000);
    const opened = await RowCache.open(fetcher, '', sort);
    if (!opened.ok) throw new Error('open failed');
    const cache = opened.data.cache;
    expect(cache.total).toBe(100_000);
    expect(cache.row(5)?.name).toBe('asset-5');
    expect(cache.row(50_000)).toBeUndefined();

    let landed = 0;
    cache.subscribe(() => landed++);
    cache.ensure(50_000, 50_030);
    cache.ensure(50_000, 50_030);
    await Promise.resolve();
    await Promise.resolve();
    expect(landed).toBe(1);
    expect(cache.row(50_010)?.name).toBe('asset-50010');
    expect(requests.map((r) => r.limit)).toEqual([firstPageSize, pageSize]);
  });

  it('answers a new query with one screen of rows and fills the rest as it scrolls', async () => {
    const { fetcher, requests } = fakeFleet(1000);
    const opened = await RowCache.open(fetcher, '', sort);
    if (!opened.ok) throw new Error('open failed');
    const cache = opened.data.cache;
    cache.ensure(0, 50);
    expect(requests).toHaveLength(1);
    expect(cache.row(firstPageSize)).toBeUndefined();
    cache.ensure(0, firstPageSize + 10);
    await Promise.resolve();
    await Promise.resolve();
    expect(cache.row(firstPageSize + 5)?.name).toBe(`asset-${String(firstPageSize + 5)}`);
  });

  it('does not ask past the end', async () => {
    const { fetcher, requests } = fakeFleet(250);
    const opened = await RowCache.open(fetcher, '', sort);
    if (!opened.ok) throw new Error('open failed');
    opened.data.cache.ensure(0, 10_000);
    // The first answer was one screen; the rest of page 0 and page 1 follow as they come into view.
    expect(requests.map((r) => r.offset)).toEqual([0, 0, 200]);
  });

  it('reports a query the core refuses instead of opening', async () => {
    const fetcher: PageFetcher = () =>
      Promise.resolve({
        ok: false,
        error: { code: 'bad-request', message: 'Query error at position 1: x' },
      });
    const opened = await RowCache.open(fetcher, '"', sort);
    expect(opened.ok).toBe(false);
  });

  it('reads the full count of a broad query once the table scrolls near the end of the first count', async () => {
    const requests: { limit: number; countLimit: number | undefined }[] = [];
    const fetcher: PageFetcher = (request) => {
      requests.push({ limit: request.limit, countLimit: request.countLimit });
      const capped = request.countLimit !== undefined && request.countLimit < 68_842;
      const rows = Array.from({ length: request.limit }, (_, i) => ({
        id: request.offset + i + 1,
        name: `d-${String(request.offset + i)}`,
      })) as unknown as AssetRow[];
      return Promise.resolve({
        ok: true,
        data: {
          rows,
          total: capped ? (request.countLimit ?? 0) : 68_842,
          totalExact: !capped,
          offset: request.offset,
          limit: request.limit,
          sources: [],
        },
      });
    };
    const opened = await RowCache.open(fetcher, 'd', sort);
    if (!opened.ok) throw new Error('open failed');
    const cache = opened.data.cache;
    expect(requests[0]?.countLimit).toBeGreaterThan(0);
    expect(cache.totalExact).toBe(false);
    const limit = cache.total;
    cache.ensure(0, 40);
    expect(requests.filter((r) => r.countLimit === undefined && r.limit === 1)).toHaveLength(0);

    let changes = 0;
    cache.subscribe(() => changes++);
    cache.ensure(limit - 60, limit - 1);
    cache.ensure(limit - 50, limit - 1);
    await Promise.resolve();
    await Promise.resolve();
    // One count for both calls, without a limit.
    expect(requests.filter((r) => r.countLimit === undefined && r.limit === 1)).toHaveLength(1);
    expect(cache.total).toBe(68_842);
    expect(cache.totalExact).toBe(true);
    expect(changes).toBeGreaterThan(0);
  });
});
