import { AppError } from '../../shared/errors';
import {
  SortField,
  systemLabels,
  type AssetRow,
  type InventoryQuery,
  type SourceFreshness,
  type SyncOutcome,
  type SyncProgressEvent,
} from '../../shared/inventory';
import { inventoryJson } from '../inventory/inventory-json';
import { InventoryService } from '../inventory/inventory-service';
import { parseQuery, QueryError } from '../inventory/query-parser';
import { compileQuery } from '../inventory/query-sql';
import { defaultConnectors, type ConnectorChoices } from '../sync/connectors';
import { Reachability, tcpReachable, type ReachProbe } from '../sync/reachability';
import { SyncEngine, type ConnectorSet } from '../sync/sync-engine';
import { isSourceProfile } from '../sync/sync-history';
import { testLogin } from '../sync/test-login';
import { ansibleInventory } from './ansible';
import { escapeRawControls, printable, UsageError } from './cli-io';
import { formatLoginTest } from './format';
import { formatAssetTable, formatCsv, formatDrift, formatOutcomes } from './inventory-format';
import { ProgressLine } from './progress-line';
import type { CliSession } from './session';

/** Connectors used by the CLI; tests replace them to sync without a network. */
export const cliConnectors: { current: (choices?: ConnectorChoices) => ConnectorSet } = {
  current: defaultConnectors,
};

/** How the CLI checks that a source can be reached; tests replace it like the connectors. */
export const cliReachProbe: { current: ReachProbe } = { current: tcpReachable };

/** Options of the commands that read the inventory. */
export interface ReadOptions {
  /** False with `--no-check`: answer without checking which sources can be reached. */
  check?: boolean;
}

export function services(
  s: CliSession,
  onProgress?: (event: SyncProgressEvent) => void,
  choices: ConnectorChoices = {},
) {
  const engine = new SyncEngine({
    db: s.store.db,
    profiles: s.store.profiles,
    connectors: cliConnectors.current(choices),
    reachability: new Reachability(cliReachProbe.current),
    logger: s.logger,
    ...(onProgress === undefined ? {} : { onProgress }),
  });
  const inventory = new InventoryService(
    s.store.db,
    () => engine.freshness(),
    () => engine.freshnessKey(),
  );
  return { engine, inventory };
}

/** The width of the terminal the output goes to; none for a file or a pipe. */
export function terminalWidth(s: CliSession): number {
  const out = s.io.stdout as { isTTY?: boolean; columns?: number };
  return out.isTTY === true && out.columns !== undefined && out.columns > 0
    ? out.columns
    : Infinity;
}

function warnOffline(s: CliSession, sources: readonly SourceFreshness[]): void {
  for (const source of sources) {
    if (source.offline) {
      s.io.stderr.write(`rackside: ${source.profileName}: ${printable(source.message)}\n`);
    }
  }
}

/**
 * What a failed source's line says: who, why (its own last full stop dropped), and what is
 * kept: its previous data (`kept`), nothing yet (`none`: it never synced), or nothing at all
 * (`removed`: the profile was removed during its sync and took its data along).
 */
export function failureLine(o: SyncOutcome, data: 'kept' | 'none' | 'removed' = 'kept'): string {
  const why = printable((o.error ?? 'no reason given').replace(/\.$/, ''));
  const kept =
    data === 'kept'
      ? '; its previous data is kept'
      : data === 'none'
        ? '; there is no data from it yet'
        : '';
  return `rackside: ${o.profileName} (${o.system}) ${o.status}: ${why}${kept}.\n`;
}

/** `rackside sync`: exits 1 when any source fails; its old data stays and is marked offline. */
export async function syncCommand(
  s: CliSession,
  opts: { profile?: string[]; all?: boolean },
): Promise<number> {
  if ((opts.profile?.length ?? 0) > 0 === (opts.all === true)) {
    throw new UsageError('Use either --all or --profile NAME (repeatable).');
  }
  // A mistyped name, a profile that is no source, or nothing to sync, is reported before the
  // passphrase is asked for (or a vault created), not after.
  const named = new Set<string>();
  for (const name of opts.profile ?? []) {
    const profile = s.store.profiles.resolve(name);
    if (!isSourceProfile(profile)) {
      throw new AppError('bad-request', `"${profile.name}" is not an inventory source.`);
    }
    named.add(profile.id);
  }
  if (opts.all === true && !s.store.profiles.list().some(isSourceProfile)) {
    throw new AppError('not-found', 'There are no source profiles to sync.');
  }
  await s.unlock();
  const tty = (s.io.stderr as { isTTY?: boolean }).isTTY === true;
  const target = opts.all === true ? 'all' : (opts.profile ?? []);
  let bar: ProgressLine | undefined;
  // A prompt for a one-time code takes the progress line over while it waits.
  const otp = s.otpProvider({ prompting: (on) => bar?.hold(on) });
  const { engine } = services(s, (event) => bar?.update(event), { otp });
  if (tty && !s.options.json) {
    // A profile named twice (`--profile pve --profile PVE`) syncs once, so it counts once.
    const count = target === 'all' ? engine.freshness().length : named.size;
    bar = new ProgressLine(s.io.stderr, count);
  }
  // Ctrl-C (or SIGTERM) cancels what is still running and reports; a second one ends the
  // command at once.
  const cancel = new AbortController();
  let stoppedBy = 'SIGINT' as 'SIGINT' | 'SIGTERM';
  const release = s.io.onInterrupt?.((signal = 'SIGINT') => {
    release?.();
    bar?.done();
    stoppedBy = signal;
    s.io.stderr.write(
      signal === 'SIGTERM'
        ? 'rackside: cancelling the sync (told to stop)…\n'
        : 'rackside: cancelling the sync (Ctrl-C again to quit at once)…\n',
    );
    cancel.abort();
  });
  let outcomes: SyncOutcome[];
  try {
    outcomes = await engine.sync(target, cancel.signal);
  } finally {
    release?.();
  }
  bar?.done();
  if (outcomes.length === 0)
    throw new AppError('not-found', 'There are no source profiles to sync.');
  s.print(outcomes, () => formatOutcomes(outcomes, terminalWidth(s)));
  // What a source could not give in full (an unreachable node, a missing privilege): said under
  // the table too, not only in `--json`. Not of a sync that failed or was cancelled: nothing of
  // it was kept, and its own line says why.
  if (s.options.json !== true) {
    for (const o of outcomes.filter((outcome) => outcome.status === 'ok')) {
      for (const warning of o.warnings) {
        s.io.stderr.write(`rackside: ${o.profileName}: warning: ${printable(warning)}\n`);
      }
    }
  }
  const failed = outcomes.filter((o) => o.status !== 'ok' && o.status !== 'cancelled');
  const dataFrom = new Map(engine.freshness().map((f) => [f.profileId, f.dataFrom]));
  for (const o of failed) {
    const removed = s.store.profiles.findById(o.profileId) === null;
    const none = (dataFrom.get(o.profileId) ?? null) === null;
    s.io.stderr.write(failureLine(o, removed ? 'removed' : none ? 'none' : 'kept'));
  }
  const cancelled = outcomes.filter((o) => o.status === 'cancelled').length;
  if (cancelled > 0) {
    s.io.stderr.write(
      `rackside: sync cancelled; ${String(cancelled)} ${cancelled === 1 ? 'source keeps its' : 'sources keep their'} previous data.\n`,
    );
  }
  // 130 and 143: ended by Ctrl-C or SIGTERM, as shells report them.
  if (cancel.signal.aborted) return stoppedBy === 'SIGTERM' ? 143 : 130;
  return failed.length + cancelled === 0 ? 0 : 1;
}

/** `rackside profiles test`: logs in with the profile's credential and says what it may see. */
export async function testLoginCommand(s: CliSession, ref: string): Promise<number> {
  // A mistyped name is reported before the passphrase is asked for, not after.
  s.store.profiles.resolve(ref);
  await s.unlock();
  const cancel = new AbortController();
  const release = s.io.onInterrupt?.(() => {
    release?.();
    cancel.abort();
  });
  try {
    const otp = s.otpProvider();
    const test = await testLogin(s.store.profiles, cliConnectors.current({ otp }), ref, {
      signal: cancel.signal,
    });
    s.print(test, () => formatLoginTest(test));
    return 0;
  } catch (error) {
    if (!cancel.signal.aborted) throw error;
    s.io.stderr.write('rackside: login test cancelled.\n');
    return 130;
  } finally {
    release?.();
  }
}

function parseSort(sort: string | undefined): InventoryQuery['sort'] {
  if (sort === undefined) return { field: 'name', direction: 'asc' };
  const [field = '', direction = 'asc', ...more] = sort.split(':');
  const parsed = SortField.safeParse(field);
  if (!parsed.success || (direction !== 'asc' && direction !== 'desc') || more.length > 0) {
    throw new UsageError(
      `--sort takes FIELD[:asc|desc] with FIELD one of ${SortField.options.join(', ')}.`,
    );
  }
  return { field: parsed.data, direction };
}

function parseLimit(limit: string | undefined): number {
  if (limit === undefined) return Number.MAX_SAFE_INTEGER;
  // Digits only: Number() would take 1e2, 0x10 or ' 5 '.
  const n = /^\d{1,15}$/.test(limit) ? Number(limit) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new UsageError('--limit takes a positive whole number.');
  return n;
}

function parseOffset(offset: string | undefined): number {
  if (offset === undefined) return 0;
  const n = /^\d{1,15}$/.test(offset) ? Number(offset) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError('--offset takes a whole number (0 or more).');
  return n;
}

/**
 * Every matching asset from `offset` on (at most `limit`), read page by page so no single query
 * returns the whole inventory.
 */
function collect(
  inventory: InventoryService,
  query: string,
  sort: InventoryQuery['sort'],
  limit: number,
  offset = 0,
): { rows: AssetRow[]; total: number; sources: SourceFreshness[] } {
  const rows: AssetRow[] = [];
  for (;;) {
    const page = inventory.query({
      query,
      sort,
      offset: offset + rows.length,
      limit: Math.min(500, limit - rows.length),
    });
    rows.push(...page.rows);
    if (page.rows.length === 0 || rows.length >= Math.min(limit, page.total - offset)) {
      return { rows, total: page.total, sources: page.sources };
    }
  }
}

/**
 * The query of `inventory` and `export ansible`, read before anything else is done: a query that
 * cannot be read is wrong use of the command (exit 2), said in the parser's words (its position
 * counts in the words joined by spaces), before any time is spent checking the sources.
 */
function queryOf(words: readonly string[]): string {
  const query = words.join(' ');
  try {
    compileQuery(parseQuery(query), []);
  } catch (error) {
    if (error instanceof QueryError) throw new UsageError(error.message);
    throw error;
  }
  return query;
}

/** Global options of `rackside` that take a value (see run-cli.ts). */
const globalValueOptions = ['--data-dir'];

/** A negated filter (`-kind:vm`, `-updates>0`), which an option parser takes for an option. */
const negatedClause = /^-[a-z]+[:=<>]/i;

/** Options of `inventory` that take a value (see run-cli.ts). */
const inventoryValueOptions = ['--format', '--sort', '--limit', '--offset'];

/**
 * The command line with the words of an `inventory` or `export ansible` query that has negated
 * filters moved after a `--` (the option parser's mark for "arguments, not options"), in the
 * order typed, so that `rackside inventory debian -kind:vm` searches instead of refusing an
 * unknown option `-kind:vm`, and a query error's position counts in what was typed. Only
 * `-field:value` and its like: `-old` (negated free text) could as well be a mistyped option,
 * so it stays one, and needs quotes or a `--` of its own.
 */
export function negatedFiltersAsQuery(argv: readonly string[]): string[] {
  let at = 0;
  while (at < argv.length) {
    const arg = argv[at] ?? '';
    if (arg === '--' || !arg.startsWith('-')) break;
    at += globalValueOptions.includes(arg) ? 2 : 1;
  }
  const command = argv[at];
  const from =
    command === 'inventory'
      ? at + 1
      : command === 'export' && argv[at + 1] === 'ansible'
        ? at + 2
        : -1;
  if (from < 0) return [...argv];
  const literal = argv.indexOf('--', from);
  const to = literal < 0 ? argv.length : literal;
  const args = argv.slice(from, to);
  if (!args.some((arg) => negatedClause.test(arg))) return [...argv];
  const options: string[] = [];
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (negatedClause.test(arg) || !arg.startsWith('-')) {
      words.push(arg);
    } else if (inventoryValueOptions.includes(arg)) {
      // The option's value goes along, whatever it looks like.
      options.push(arg, ...args.slice(i + 1, i + 2));
      i += 1;
    } else {
      options.push(arg);
    }
  }
  return [...argv.slice(0, from), ...options, '--', ...words, ...argv.slice(to + 1)];
}

/**
 * The inventory services for a read, after checking which sources can be reached (at most
 * `reachTimeoutMs`), so the answer says which of its data is offline without a sync.
 */
async function readServices(s: CliSession, opts: ReadOptions) {
  const found = services(s);
  if (opts.check !== false) await found.engine.checkReachability();
  return found;
}

export async function inventoryCommand(
  s: CliSession,
  words: string[],
  opts: { format?: string; sort?: string; limit?: string; offset?: string } & ReadOptions,
): Promise<number> {
  const format = opts.format ?? (s.options.json ? 'json' : 'table');
  if (format !== 'table' && format !== 'json' && format !== 'csv') {
    throw new UsageError('--format is one of table, json, csv.');
  }
  const sort = parseSort(opts.sort);
  const limit = parseLimit(opts.limit);
  const offset = parseOffset(opts.offset);
  const query = queryOf(words);
  const { inventory } = await readServices(s, opts);
  const result = collect(inventory, query, sort, limit, offset);
  // Nothing from a source may act as a control character on a terminal. JSON stays valid JSON
  // with the same values (its own escapes); CSV written to a file or a pipe stays exact.
  const onTerminal = (s.io.stdout as { isTTY?: boolean }).isTTY === true;
  if (format === 'json') {
    const names = new Map(s.store.profiles.list().map((p) => [p.id, p.name]));
    const json = inventoryJson(s.store.db, names, result.total, result.sources, result.rows);
    s.io.stdout.write(escapeRawControls(json));
  } else if (format === 'csv') {
    warnOffline(s, result.sources);
    const csv = formatCsv(result.rows);
    s.io.stdout.write(onTerminal ? printable(csv) : csv);
  } else {
    warnOffline(s, result.sources);
    const table = formatAssetTable(result.rows, result.total, offset, terminalWidth(s));
    s.io.stdout.write(printable(`${table}\n`));
  }
  return 0;
}

export async function exportAnsible(
  s: CliSession,
  words: string[],
  opts: ReadOptions = {},
): Promise<number> {
  const query = queryOf(words);
  const { inventory } = await readServices(s, opts);
  const result = collect(
    inventory,
    query,
    { field: 'name', direction: 'asc' },
    Number.MAX_SAFE_INTEGER,
  );
  warnOffline(s, result.sources);
  s.io.stdout.write(ansibleInventory(s.store.db, result.rows));
  return 0;
}

export async function driftCommand(s: CliSession, opts: ReadOptions = {}): Promise<number> {
  const { engine, inventory } = await readServices(s, opts);
  // Something "missing" from a source that cannot be reached may just not be known yet.
  const sources = engine.freshness();
  warnOffline(s, sources);
  // A profile that never synced may hold what the others lack: its system is not judged yet.
  const withData = new Set(sources.filter((f) => f.dataFrom !== null).map((f) => f.system));
  for (const source of sources) {
    if (source.dataFrom === null && withData.has(source.system)) {
      s.io.stderr.write(
        `rackside: ${source.profileName} has never synced: no asset counts as missing from ${systemLabels[source.system]} until it has.\n`,
      );
    }
  }
  const page = inventory.drift(0, 100_000);
  s.print(page, () => formatDrift(page.items, terminalWidth(s)));
  return 0;
}
