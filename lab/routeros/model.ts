import type { EventEmitter } from 'node:events';

import { asciiToString } from '../../src/main/sources/routeros/codec';

/**
 * One record as RouterOS holds it: properties in console order, values as raw bytes (RouterOS
 * stores bytes and declares no charset, §1.10). A property that does not apply is absent, which
 * is different from an empty value (§5 item 11).
 */
export type RosRecord = Map<string, Uint8Array>;

const encoder = new TextEncoder();
export const bytes = (text: string): Uint8Array => encoder.encode(text);
export const text = (value: Uint8Array | undefined): string | undefined =>
  value === undefined ? undefined : asciiToString(value);

/** Builds a record from pairs; `undefined` values are left out (absent, not empty). */
export function record(
  pairs: readonly (readonly [string, string | Uint8Array | undefined])[],
): RosRecord {
  const out: RosRecord = new Map();
  for (const [name, value] of pairs) {
    if (value !== undefined) out.set(name, typeof value === 'string' ? bytes(value) : value);
  }
  return out;
}

/**
 * A command failure: the native API sends it as `!trap =message= =category=` (then `!done`),
 * REST as `{error,message,detail}` with `detail` the same message text (§2.4).
 */
export class RosTrap extends Error {
  constructor(
    message: string,
    readonly category?: number,
    readonly httpStatus: 400 | 404 | 500 = 400,
  ) {
    super(message);
  }
}

export type MenuChange = { kind: 'set'; record: RosRecord } | { kind: 'remove'; id: string };

/** A command beyond print/add/set/remove that a menu offers, e.g. `check-for-updates`. */
export type MenuCommand = (
  args: ReadonlyMap<string, Uint8Array>,
  emit: (section: RosRecord) => void,
  signal: AbortSignal,
) => Promise<void>;

interface MenuBase {
  readonly path: string;
  readonly commands: ReadonlyMap<string, MenuCommand>;
}

export interface SingletonMenu extends MenuBase {
  readonly kind: 'singleton';
  read(): RosRecord;
  /** Present only where `set` is allowed; fields it does not know raise a trap. */
  set?: (args: ReadonlyMap<string, Uint8Array>) => void;
}

export interface ListMenu extends MenuBase {
  readonly kind: 'list';
  /** Current items, each with `.id` first. */
  read(): RosRecord[];
  /** Finds an item by `*ID` or, where the menu allows, by name. */
  find(idOrName: string): RosRecord | undefined;
  add?: (args: ReadonlyMap<string, Uint8Array>) => string;
  set?: (idOrName: string, args: ReadonlyMap<string, Uint8Array>) => RosRecord;
  remove?: (idOrName: string) => void;
}

export type Menu = SingletonMenu | ListMenu;

export interface ListMenuOptions {
  /** Properties `add`/`set` accept; anything else is `unknown parameter`. */
  writable?: readonly string[];
  /** Recomputes derived properties after a write (e.g. `network` from `address`). */
  derive?: (item: RosRecord) => void;
  /** Items may be named in `.id` (`=.id=ether1`), as many RouterOS menus allow. */
  byName?: boolean;
  /** When set, `add` needs these properties. */
  required?: readonly string[];
}

/**
 * A list menu backed by an array of records. Changes are announced on `events` so that a
 * `listen` on any session (native or REST writes) sees them.
 */
export function listMenu(
  path: string,
  items: RosRecord[],
  events: EventEmitter,
  options: ListMenuOptions = {},
  commands: ReadonlyMap<string, MenuCommand> = new Map(),
): ListMenu {
  let nextId =
    1 + Math.max(0, ...items.map((item) => parseInt(text(item.get('.id'))?.slice(1) ?? '0', 16)));
  const find = (idOrName: string): RosRecord | undefined =>
    items.find(
      (item) =>
        text(item.get('.id')) === idOrName ||
        (options.byName === true && text(item.get('name')) === idOrName),
    );
  const mustFind = (idOrName: string): RosRecord => {
    const item = find(idOrName);
    if (!item) throw new RosTrap('no such item', 1, 404);
    return item;
  };
  const check = (args: ReadonlyMap<string, Uint8Array>): void => {
    for (const name of args.keys()) {
      if (name === '.id' || name.startsWith('.')) continue;
      if (!options.writable?.includes(name)) throw new RosTrap(`unknown parameter ${name}`, 1);
    }
  };
  const announce = (item: RosRecord): void => {
    events.emit(path, { kind: 'set', record: item } satisfies MenuChange);
  };
  const writable = options.writable !== undefined;
  return {
    kind: 'list',
    path,
    commands,
    read: () => items,
    find,
    ...(writable && {
      add: (args) => {
        check(args);
        for (const name of options.required ?? []) {
          if (!args.has(name)) throw new RosTrap(`missing value(s) of argument(s) ${name}`, 1);
        }
        if (args.has('name') && find(text(args.get('name')) ?? '')) {
          throw new RosTrap('failure: already have such name', 4);
        }
        const id = `*${(nextId++).toString(16).toUpperCase()}`;
        const item: RosRecord = new Map([['.id', bytes(id)]]);
        for (const [name, value] of args) if (!name.startsWith('.')) item.set(name, value);
        options.derive?.(item);
        items.push(item);
        announce(item);
        return id;
      },
      set: (idOrName, args) => {
        check(args);
        const item = mustFind(idOrName);
        for (const [name, value] of args) if (!name.startsWith('.')) item.set(name, value);
        options.derive?.(item);
        announce(item);
        return item;
      },
      remove: (idOrName) => {
        const item = mustFind(idOrName);
        items.splice(items.indexOf(item), 1);
        events.emit(path, { kind: 'remove', id: text(item.get('.id')) ?? '' } satisfies MenuChange);
      },
    }),
  };
}

/** Splits a command word into its menu and verb: `/ip/address/print` → `/ip/address`, `print`. */
export function splitCommand(command: string): { menu: string; verb: string } {
  const slash = command.lastIndexOf('/');
  return { menu: command.slice(0, slash) || '/', verb: command.slice(slash + 1) };
}
