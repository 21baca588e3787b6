import { AlertTriangle, CloudOff, LayoutDashboard, RotateCcw, ShieldAlert } from 'lucide-react';
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import {
  Bar,
  BarChart,
  Legend,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { SourceSystem } from '../../../../shared/inventory';
import { EmptyState } from '../../components/EmptyState';
import { bridge } from '../../lib/bridge';
import { useInventoryStore } from '../inventory/inventory-store';
import { AddSourceButtons } from '../profiles/AddSourceButtons';
import { systemLabels } from '../sync/staleness';
import { driftSystems } from '../drift/drift-systems';

const systems: readonly SourceSystem[] = ['foreman', 'proxmox', 'patchmon', 'routeros'];
const palette = ['var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)', 'var(--chart-4)'];

export interface Datum {
  name: string;
  value: number;
  query: string;
}

/** A value as the query language reads it: quoted (with escapes) when it has spaces or quotes. */
function queryValue(value: string): string {
  return /[\s"\\]/u.test(value) ? `"${value.replace(/["\\]/gu, (c) => `\\${c}`)}"` : value;
}

/**
 * A chart's bars, most first, each with the query that lists its assets: the OS chart counts
 * whole OS names, so its bars ask for the whole name (`os="Ubuntu 22.04"`), not its words
 * (`os:Ubuntu` would also list every Ubuntu version). Unknown OSes have no query.
 */
export function chartEntries(
  counts: Record<string, number>,
  field: 'kind' | 'status' | 'os',
): Datum[] {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, value]) => ({
      name,
      value,
      query:
        field === 'os'
          ? name === 'unknown'
            ? ''
            : `os=${queryValue(name)}`
          : `${field}:${queryValue(name)}`,
    }));
}

/**
 * Where the arrow keys lead on a chart, from its first entry to its last (bars from the top, the
 * ring's slices clockwise): Down and Right to the next, Up and Left back, Home and End to the ends.
 */
const barMoves: Record<string, (index: number, last: number) => number> = {
  ArrowDown: (i, last) => Math.min(i + 1, last),
  ArrowRight: (i, last) => Math.min(i + 1, last),
  ArrowUp: (i) => Math.max(i - 1, 0),
  ArrowLeft: (i) => Math.max(i - 1, 0),
  Home: () => 0,
  End: (_, last) => last,
};

/** Where a chart's tooltip goes: on the entry the keys reached, or where the pointer is. */
interface ChartFocus {
  /** The entry the keys reached, while the chart has the focus and the pointer left it alone. */
  byKeys: number | undefined;
}

/**
 * A chart the keyboard and screen readers read as a list of its entries ("Foreman: 912"): the
 * arrows move along the entries (the tooltip follows) and Enter or Space lists the assets of the
 * entry reached, as a click does. The drawing itself is hidden from screen readers. Recharts' own
 * keyboard layer is not used: it steps the wrong way on charts laid out vertically (its
 * ArrowRight goes up, and Up and Down do nothing) and gives a screen reader nothing to read.
 */
function ChartList(props: {
  title: string;
  data: Datum[];
  testId: string;
  children: (focus: ChartFocus) => ReactNode;
}) {
  const ids = useId();
  // The entry the keys reached, while the chart has the focus.
  const [active, setActive] = useState<number | undefined>();
  // The pointer moved over the chart since: its tooltip is the pointer's again.
  const [pointing, setPointing] = useState(false);
  const pressed = useRef(false);
  const last = props.data.length - 1;
  const current = active === undefined ? undefined : Math.min(active, last);
  const byKeys = current !== undefined && current >= 0 && !pointing ? current : undefined;

  const onKeyDown = (event: KeyboardEvent): void => {
    const move = barMoves[event.key];
    if (move && last >= 0) {
      event.preventDefault();
      setPointing(false);
      setActive(move(current ?? 0, last));
      return;
    }
    if (event.key !== 'Enter' && event.key !== ' ') return;
    const query = current === undefined ? undefined : props.data[current]?.query;
    if (!query) return;
    event.preventDefault();
    useInventoryStore.getState().applyQuery(query);
  };

  return (
    <section className="panel chart-panel" data-testid={props.testId}>
      <h2 id={`${ids}-title`}>{props.title}</h2>
      <div
        className="chart-keys"
        role="listbox"
        tabIndex={0}
        aria-labelledby={`${ids}-title`}
        aria-activedescendant={
          current === undefined || current < 0 ? undefined : `${ids}-${String(current)}`
        }
        onKeyDown={onKeyDown}
        onMouseDown={() => {
          pressed.current = true;
        }}
        onFocus={() => {
          // Focused from the keyboard: the first entry, as a list's first option.
          if (!pressed.current && last >= 0) setActive(0);
          pressed.current = false;
        }}
        onBlur={() => {
          setActive(undefined);
          setPointing(false);
        }}
        onMouseMove={() => {
          if (active !== undefined && !pointing) setPointing(true);
        }}
      >
        {props.data.map((datum, index) => (
          <div
            key={datum.name}
            id={`${ids}-${String(index)}`}
            className="chart-option"
            role="option"
            aria-selected={index === current}
          >
            {datum.name}: {datum.value.toLocaleString()}
          </div>
        ))}
        <div aria-hidden>{props.children({ byKeys })}</div>
      </div>
    </section>
  );
}

/**
 * The tooltip's props for the entry the keys reached; "click" keeps an earlier hover from
 * overriding it (a click on an entry leaves the overview, so none is ever kept).
 */
function tooltipAt(focus: ChartFocus): {
  active?: boolean;
  defaultIndex?: number;
  trigger?: 'click';
} {
  return focus.byKeys === undefined
    ? {}
    : { active: true, defaultIndex: focus.byKeys, trigger: 'click' };
}

/** A chart of horizontal bars, read as a list (`ChartList`). */
function HBar(props: { title: string; data: Datum[]; testId: string; color?: string }) {
  const height = Math.max(60, props.data.length * 22 + 10);
  return (
    <ChartList title={props.title} data={props.data} testId={props.testId}>
      {(focus) => (
        <ResponsiveContainer width="100%" height={height}>
          <BarChart
            data={props.data}
            layout="vertical"
            margin={{ left: 8, right: 24 }}
            // The keys are handled by ChartList; recharts' layer would also take the focus.
            accessibilityLayer={false}
          >
            <XAxis type="number" hide />
            <YAxis
              type="category"
              dataKey="name"
              width={130}
              tick={{ fontSize: 11, fill: 'var(--fg-muted)' }}
              axisLine={false}
              tickLine={false}
            />
            <Tooltip
              cursor={{ fill: 'var(--bg-hover)' }}
              contentStyle={{ background: 'var(--bg-raised)', border: '1px solid var(--border)' }}
              {...tooltipAt(focus)}
            />
            <Bar
              dataKey="value"
              fill={props.color ?? 'var(--chart-1)'}
              radius={[0, 3, 3, 0]}
              // A bar of 0 keeps a sliver, and with it the label that says 0: without it the
              // row reads as if its count were missing.
              minPointSize={2}
              isAnimationActive={false}
              label={{ position: 'right', fontSize: 11, fill: 'var(--fg-muted)' }}
              cursor="pointer"
              onClick={(entry: { payload?: Datum }) => {
                if (entry.payload?.query)
                  useInventoryStore.getState().applyQuery(entry.payload.query);
              }}
            />
          </BarChart>
        </ResponsiveContainer>
      )}
    </ChartList>
  );
}

/** Assets by source as a ring, read as a list (`ChartList`); sources with none are left out. */
function SourcePie(props: { data: Datum[] }) {
  const data = props.data
    .filter((d) => d.value > 0)
    .map((d, i) => ({ ...d, fill: palette[i % palette.length] }));
  return (
    <ChartList title="By source" data={data} testId="chart-sources">
      {(focus) => (
        <ResponsiveContainer width="100%" height={170}>
          <PieChart accessibilityLayer={false}>
            <Pie
              data={data}
              dataKey="value"
              nameKey="name"
              innerRadius={36}
              outerRadius={60}
              isAnimationActive={false}
              // The ring is read and moved along as ChartList's list: its drawing takes no tab stop.
              rootTabIndex={-1}
              cursor="pointer"
              onClick={(entry: { payload?: Datum }) => {
                if (entry.payload) useInventoryStore.getState().applyQuery(entry.payload.query);
              }}
            />
            {/* Names and counts beside the ring: labels around it do not fit a narrow panel. */}
            <Legend
              layout="vertical"
              position="right"
              formatter={(name: string, entry: { payload?: { value?: number } }) =>
                `${name} ${String(entry.payload?.value ?? '')}`
              }
            />
            <Tooltip
              contentStyle={{ background: 'var(--bg-raised)', border: '1px solid var(--border)' }}
              {...tooltipAt(focus)}
            />
          </PieChart>
        </ResponsiveContainer>
      )}
    </ChartList>
  );
}

function Attention(props: {
  icon: typeof AlertTriangle;
  label: string;
  count: number | undefined;
  query: string;
  testId: string;
  tone: 'warn' | 'danger';
}) {
  const Icon = props.icon;
  return (
    <button
      type="button"
      className={`attention attention-${props.tone}`}
      data-testid={props.testId}
      data-count={props.count}
      onClick={() => {
        useInventoryStore.getState().applyQuery(props.query);
      }}
    >
      <Icon size={16} aria-hidden />
      <span className="attention-count">{props.count ?? '…'}</span>
      <span className="attention-label">{props.label}</span>
      <code className="attention-query">{props.query}</code>
    </button>
  );
}

/** Assets whose sources failed their last sync: counted by the query language's `offline:yes`. */
function useStaleCount(version: unknown): number | undefined {
  const [count, setCount] = useState<number | undefined>();
  useEffect(() => {
    let live = true;
    void bridge()
      .call('inventory:query', { query: 'offline:yes', limit: 1 })
      .then((result) => {
        if (live && result.ok) setCount(result.data.total);
      });
    return () => {
      live = false;
    };
  }, [version]);
  return count;
}

/** Counts by source, kind, status and OS, and the assets needing attention, as charts. */
export function FleetOverview() {
  const facets = useInventoryStore((s) => s.facets);
  const stale = useStaleCount(facets);
  if (!facets) return <p className="muted">Reading the inventory…</p>;
  if (facets.sources.length === 0) {
    return (
      <EmptyState icon={LayoutDashboard} title="No sources yet" testId="overview-empty">
        <p>
          The overview counts your fleet by source, kind, status and OS once there is something to
          count: add a Foreman, Proxmox VE, PatchMon or RouterOS profile, then sync it.
        </p>
        <AddSourceButtons />
      </EmptyState>
    );
  }

  const bySource: Datum[] = systems.map((s) => ({
    name: systemLabels[s],
    value: facets.system[s] ?? 0,
    query: `source:${s}`,
  }));
  // Drift: what a system should know and does not (routers are never expected in Foreman,
  // Windows never in PatchMon, and RouterOS is expected to know nothing but its routers).
  const missing = driftSystems(facets).counted.map((s) => ({
    name: `not in ${systemLabels[s]}`,
    value: facets.drift[s] ?? 0,
    query: `drift:${s}`,
  }));

  return (
    <div className="overview" data-testid="fleet-overview" data-total={facets.total}>
      <div className="overview-total">
        <span className="overview-number" data-testid="overview-total">
          {facets.total.toLocaleString()}
        </span>
        <span className="muted">
          {facets.total === 1 ? 'asset' : 'assets'} across {facets.sources.length.toLocaleString()}{' '}
          {facets.sources.length === 1 ? 'source' : 'sources'}
        </span>
      </div>
      <h2 className="overview-heading">Needs attention</h2>
      <div className="attention-grid">
        <Attention
          icon={ShieldAlert}
          label="with security updates"
          count={facets.withSecurityUpdates}
          query="security>0"
          testId="attention-security"
          tone="danger"
        />
        <Attention
          icon={RotateCcw}
          label="need a reboot"
          count={facets.rebootNeeded}
          query="reboot:yes"
          testId="attention-reboot"
          tone="warn"
        />
        <Attention
          icon={CloudOff}
          label="from sources that are offline"
          count={stale}
          query="offline:yes"
          testId="attention-stale"
          tone="warn"
        />
        <Attention
          icon={AlertTriangle}
          label="with pending updates"
          count={facets.withUpdates}
          query="updates>0"
          testId="attention-updates"
          tone="warn"
        />
      </div>
      <div className="chart-grid">
        <SourcePie data={bySource} />
        <HBar
          title="Missing where expected (drift)"
          data={missing}
          testId="chart-missing"
          color="var(--chart-4)"
        />
        <HBar title="By kind" data={chartEntries(facets.kind, 'kind')} testId="chart-kind" />
        <HBar
          title="By status"
          data={chartEntries(facets.status, 'status')}
          testId="chart-status"
          color="var(--chart-2)"
        />
        <HBar
          title="By operating system"
          data={chartEntries(facets.os, 'os').slice(0, 12)}
          testId="chart-os"
          color="var(--chart-3)"
        />
      </div>
    </div>
  );
}
