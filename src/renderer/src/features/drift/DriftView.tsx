import { Filter, GitCompare } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { AppErrorShape } from '../../../../shared/errors';
import type { DriftPage } from '../../../../shared/inventory';
import { EmptyState } from '../../components/EmptyState';
import { bridge } from '../../lib/bridge';
import { SourceBadges } from '../inventory/cells';
import { useInventoryStore } from '../inventory/inventory-store';
import { AddSourceButtons } from '../profiles/AddSourceButtons';
import { QueryButton } from '../inventory/QueryButton';
import { localTimes, systemLabels } from '../sync/staleness';
import { driftSystems } from './drift-systems';

const pageSize = 100;

type Loaded = { page: DriftPage; error?: undefined } | { page?: undefined; error: AppErrorShape };

/** The most items one `inventory:drift` request returns. */
const maxRequest = 500;

/** The first `limit` items of the drift list, read in as many requests as that takes. */
async function readDrift(limit: number): Promise<Loaded> {
  const items: DriftPage['items'] = [];
  let total = 0;
  do {
    const result = await bridge().call('inventory:drift', {
      offset: items.length,
      limit: Math.min(limit - items.length, maxRequest),
    });
    if (!result.ok) return { error: result.error };
    items.push(...result.data.items);
    total = result.data.total;
    if (result.data.items.length === 0) break;
  } while (items.length < Math.min(limit, total));
  return { page: { items, total } };
}

/** Assets some systems know and others do not, with one-click filters into the inventory. */
export function DriftView() {
  const facets = useInventoryStore((s) => s.facets);
  const [limit, setLimit] = useState(pageSize);
  const [loaded, setLoaded] = useState<Loaded | undefined>();

  useEffect(() => {
    let live = true;
    void readDrift(limit).then((result) => {
      if (live) setLoaded(result);
    });
    return () => {
      live = false;
    };
  }, [limit, facets]);

  // "Show more" pressed: the keys go on at the first asset it brought (the button may be gone).
  const tableRef = useRef<HTMLTableElement>(null);
  const firstNew = useRef<number | undefined>(undefined);
  useEffect(() => {
    const index = firstNew.current;
    if (index === undefined || loaded?.page === undefined) return;
    firstNew.current = undefined;
    const links = tableRef.current?.querySelectorAll<HTMLButtonElement>(
      '[data-testid="drift-item"] .link-button',
    );
    links?.[index]?.focus();
  }, [loaded]);

  const sources = facets?.sources ?? [];
  // No source, or none synced yet: "no drift" would say every system agrees, which none has said.
  const nothingToCompare =
    facets !== undefined &&
    (sources.length === 0 || (facets.total === 0 && sources.every((s) => s.dataFrom === null)));
  const { known, counted, filteredOnly, waiting } = driftSystems(facets);
  // `drift:` applies the list's own rule, so each button finds what the list counts.
  const filters = counted.flatMap((missing) => [
    {
      label: `Not in ${systemLabels[missing]}`,
      query: `drift:${missing}`,
      count: facets?.drift[missing],
    },
  ]);
  const pairs = known.flatMap((a) =>
    counted
      .filter((b) => b !== a)
      .map((b) => ({
        label: `In ${systemLabels[a]}, not in ${systemLabels[b]}`,
        query: `source:${a} drift:${b}`,
      })),
  );

  return (
    <div className="drift" data-testid="drift-view">
      <div className="drift-filters">
        {filters.map((f) => (
          <QueryButton key={f.query} query={f.query} className="button small" testId="drift-filter">
            <Filter size={12} aria-hidden /> {f.label}
            {f.count === undefined ? '' : ` (${String(f.count)})`}
          </QueryButton>
        ))}
      </div>
      <div className="drift-filters">
        {pairs.map((f) => (
          <QueryButton key={f.query} query={f.query} className="chip" testId="drift-filter">
            {f.label}
          </QueryButton>
        ))}
      </div>
      {filteredOnly.map((system) => (
        <p key={system} className="muted" data-testid="drift-filtered">
          {systemLabels[system]} syncs only the hosts of its profiles’ host filters (
          {sources
            .filter((s) => s.system === system && s.hostFilter !== null)
            .map((s) => s.hostFilter)
            .join('; ')}
          ), so no asset counts as missing from it.
        </p>
      ))}
      {waiting.map(({ system, profiles }) => (
        <p key={system} className="muted" data-testid="drift-waiting">
          {profiles.map((name) => `“${name}”`).join(', ')} {profiles.length === 1 ? 'has' : 'have'}{' '}
          never synced, so no asset counts as missing from {systemLabels[system]} until{' '}
          {profiles.length === 1 ? 'it has' : 'they have'}.
        </p>
      ))}
      {loaded?.error ? (
        <div className="banner error" role="alert">
          Could not read the drift: {loaded.error.message}
        </div>
      ) : null}
      {nothingToCompare ? (
        <EmptyState icon={GitCompare} title="Nothing to compare yet" testId="drift-empty">
          {sources.length === 0 ? (
            <>
              <p>
                Drift compares what each system knows about your machines. Add a Foreman, Proxmox
                VE, PatchMon or RouterOS profile and sync it to have something to compare.
              </p>
              <AddSourceButtons />
            </>
          ) : (
            <>
              <p>
                Drift compares what each system knows about your machines; none of your sources has
                been synced yet.
              </p>
              <div className="empty-actions">
                <button
                  type="button"
                  className="button primary"
                  onClick={() => {
                    useInventoryStore.getState().setTab('sync');
                  }}
                >
                  Open the sync center
                </button>
              </div>
            </>
          )}
        </EmptyState>
      ) : loaded?.page?.total === 0 ? (
        <EmptyState icon={GitCompare} title="No drift" testId="drift-empty">
          <p>Every asset is known to each system that should know it.</p>
        </EmptyState>
      ) : loaded?.page ? (
        <>
          <p className="muted" data-testid="drift-total">
            {loaded.page.total.toLocaleString()}{' '}
            {loaded.page.total === 1 ? 'asset is' : 'assets are'} missing from a system that should
            know {loaded.page.total === 1 ? 'it' : 'them'}.
          </p>
          <table ref={tableRef} className="data-table drift-table">
            <thead>
              <tr>
                <th>Asset</th>
                <th>Kind</th>
                <th>Known to</th>
                <th>Missing from</th>
                <th>Why it matters</th>
              </tr>
            </thead>
            <tbody>
              {loaded.page.items.map((item) => (
                <tr key={item.assetId} data-testid="drift-item" data-name={item.name}>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => {
                        const store = useInventoryStore.getState();
                        store.applyQuery(`id:${String(item.assetId)}`);
                        store.openDetail(item.assetId);
                      }}
                    >
                      {item.name}
                    </button>
                  </td>
                  <td>{item.kind}</td>
                  <td>
                    <SourceBadges systems={item.presentIn} />
                  </td>
                  <td>
                    {item.missingFrom.map((m) => (
                      <button
                        key={m}
                        type="button"
                        className="chip"
                        title={`Show everything missing from ${systemLabels[m]}`}
                        onClick={() => {
                          useInventoryStore.getState().applyQuery(`drift:${m}`);
                        }}
                      >
                        {systemLabels[m]}
                      </button>
                    ))}
                  </td>
                  <td className="muted">{localTimes(item.reason)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {loaded.page.total > loaded.page.items.length ? (
            <button
              type="button"
              className="button small"
              onClick={() => {
                firstNew.current = loaded.page.items.length;
                setLimit((l) => l + pageSize);
              }}
            >
              Show more
            </button>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
