import {
  proplistOf,
  type ParsedCommand,
  type WordInput,
} from '../../src/main/sources/routeros/codec';
import type { RouterOsDevice } from './device';
import { RosTrap, splitCommand, text, type Menu, type MenuChange, type RosRecord } from './model';
import { applyProplist, matchesQuery } from './query';

/** What a menu command needs from the session that runs it. */
export interface CommandContext {
  readonly command: ParsedCommand;
  readonly signal: AbortSignal;
  /** Sends `!re` with the command's tag. */
  record(item: RosRecord): void;
  /** Sends `!empty` (when the version has it) for a command with nothing to return. */
  empty(): void;
  /** Attributes for the final `!done`, e.g. `ret`. */
  done(attributes?: readonly (readonly [string, WordInput])[]): void;
}

/**
 * Runs one menu command. Returns a promise for commands that keep running (`listen`,
 * `check-for-updates`, `print follow`), which `/cancel` aborts through `signal`. Throws RosTrap
 * for a failure the session sends as `!trap` + `!done`.
 */
export async function runMenuCommand(
  device: RouterOsDevice,
  context: CommandContext,
): Promise<void> {
  const { menu: path, verb } = splitCommand(context.command.command);
  const menu = device.menus.get(path);
  if (!menu) throw new RosTrap('no such command prefix', 0);
  const args = context.command.attributes;
  const idArgument = (): string => {
    const id = text(args.get('.id'));
    if (id === undefined) throw new RosTrap('missing value(s) of argument(s) .id', 1);
    return id;
  };
  const withoutId = new Map([...args].filter(([name]) => name !== '.id'));
  switch (verb) {
    case 'print':
    case 'getall':
      print(menu, context);
      if (args.has('follow') || args.has('follow-only')) {
        await listen(device, menu, context);
      }
      return;
    case 'listen':
      await listen(device, menu, context);
      return;
    case 'add':
      if (menu.kind !== 'list' || !menu.add) break;
      context.done([['ret', menu.add(withoutId)]]);
      return;
    case 'set':
      if (menu.kind === 'singleton' && menu.set) menu.set(withoutId);
      else if (menu.kind === 'list' && menu.set) menu.set(idArgument(), withoutId);
      else break;
      context.done();
      return;
    case 'remove':
      if (menu.kind !== 'list' || !menu.remove) break;
      for (const id of idArgument().split(',')) menu.remove(id);
      context.done();
      return;
    default: {
      const custom = menu.commands.get(verb);
      if (!custom) break;
      await custom(args, (section) => context.record(section), context.signal);
      context.done();
      return;
    }
  }
  throw new RosTrap(`no such command or directory (${verb})`, 0);
}

/** Filtered, projected items of a menu; shared with the REST server. */
export function selectItems(
  menu: Menu,
  queries: readonly Uint8Array[],
  proplist: readonly string[] | undefined,
): RosRecord[] {
  const items = menu.kind === 'singleton' ? [menu.read()] : menu.read();
  return items
    .filter((item) => matchesQuery(item, queries))
    .map((item) => applyProplist(item, proplist));
}

function print(menu: Menu, context: CommandContext): void {
  const { command } = context;
  const items = selectItems(menu, command.queries, proplistOf(command.attributes));
  if (command.attributes.has('follow-only')) return;
  if (command.attributes.has('count-only')) {
    context.done([['ret', String(items.length)]]);
    return;
  }
  for (const item of items) context.record(item);
  if (items.length === 0) context.empty();
  if (!command.attributes.has('follow')) context.done();
}

/**
 * Streams changes until cancelled: the changed item for an add or set, `=.id=… =.dead=true` for a
 * removal. Never sends `!done` by itself (§1.7).
 */
function listen(device: RouterOsDevice, menu: Menu, context: CommandContext): Promise<void> {
  const proplist = proplistOf(context.command.attributes);
  const [yes] = device.profile.booleans;
  return new Promise((resolve) => {
    const onChange = (change: MenuChange): void => {
      if (change.kind === 'remove') {
        context.record(
          new Map([
            ['.id', new TextEncoder().encode(change.id)],
            ['.dead', new TextEncoder().encode(yes)],
          ]),
        );
        return;
      }
      if (matchesQuery(change.record, context.command.queries)) {
        context.record(applyProplist(change.record, proplist));
      }
    };
    device.events.on(menu.path, onChange);
    context.signal.addEventListener(
      'abort',
      () => {
        device.events.off(menu.path, onChange);
        resolve();
      },
      { once: true },
    );
  });
}
