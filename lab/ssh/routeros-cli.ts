/**
 * A RouterOS console over SSH: `[admin@rtr-ber-01] > ` and the menus the API simulator serves,
 * read from the same `RouterOsDevice` so that a change made over the API shows here and back.
 * Commands are written with spaces or slashes (`/system resource print`, `/system/resource/print`);
 * a bare menu path changes the current menu as on a real console.
 */
import { text, type RosRecord } from '../routeros/model';
import type { RouterOsDevice } from '../routeros';
import type { CommandIo } from './io';
import type { CommandRecorder, Outcome, Program } from './program';

const banner = (version: string): string =>
  [
    '',
    '',
    '  MMM      MMM       KKK                          TTTTTTTTTTT      KKK',
    '  MMMM    MMMM       KKK                          TTTTTTTTTTT      KKK',
    '  MMM MMMM MMM  III  KKK  KKK  RRRRRR     OOOOOO      TTT     III  KKK  KKK',
    '  MMM  MM  MMM  III  KKKKK     RRR  RRR  OOO  OOO     TTT     III  KKKKK',
    '  MMM      MMM  III  KKK KKK   RRRRRR    OOO  OOO     TTT     III  KKK KKK',
    '  MMM      MMM  III  KKK  KKK  RRR  RRR   OOOOOO      TTT     III  KKK  KKK',
    '',
    `  MikroTik RouterOS ${version} (c) 1999-2026       https://www.mikrotik.com/`,
    '',
    'Press F1 for help',
    '',
    '',
  ].join('\n');

/** The console shows sizes and rates with units where the API gives plain numbers. */
function consoleValue(name: string, value: string): string {
  if (!/^\d+$/.test(value)) return value;
  if (/memory|hdd-space/.test(name)) {
    const mib = Number(value) / 1048576;
    return mib >= 1 ? `${mib.toFixed(1)}MiB` : `${(Number(value) / 1024).toFixed(1)}KiB`;
  }
  if (name === 'cpu-frequency') return `${value}MHz`;
  if (name === 'cpu-load') return `${value}%`;
  return value;
}

/** `name: value` lines with the names right-aligned, as `print` shows a single item. */
function printItem(item: RosRecord): string {
  const entries = [...item].filter(([name]) => !name.startsWith('.'));
  const width = Math.max(0, ...entries.map(([name]) => name.length));
  return `${entries.map(([name, value]) => `${name.padStart(width + 2)}: ${consoleValue(name, text(value) ?? '')}`).join('\n')}\n`;
}

function table(columns: string[], rows: string[][]): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line(columns), ...rows.map(line)].join('\n')}\n`;
}

export class RouterOsCli implements Program {
  private menu = '';

  constructor(
    private readonly device: RouterOsDevice,
    private readonly user: string,
    private readonly recorder: CommandRecorder,
  ) {}

  prompt(): string {
    return `[${this.user}@${this.device.currentIdentity}] ${this.menu}> `;
  }

  banner(): string {
    return banner(this.device.source.version);
  }

  async run(line: string, io: CommandIo, interactive: boolean): Promise<Outcome> {
    const trimmed = line.trim();
    if (trimmed === '') return { kind: 'status', code: 0 };
    const outcome = await this.execute(trimmed, io);
    this.recorder(
      { guest: null, via: interactive ? 'shell' : 'exec', command: trimmed },
      outcome.code,
    );
    return outcome;
  }

  private async execute(line: string, io: CommandIo): Promise<Outcome> {
    if (line === 'quit' || line === '/quit') {
      await io.out.write('interrupted\n');
      return { kind: 'exit', code: 0 };
    }
    const words = line.split(/\s+/);
    const args = new Map<string, string>();
    const path: string[] = [];
    for (const word of words) {
      const eq = word.indexOf('=');
      if (eq > 0) args.set(word.slice(0, eq), word.slice(eq + 1).replace(/^"|"$/g, ''));
      else path.push(...word.split('/').filter(Boolean));
    }
    const absolute = line.startsWith('/');
    const base = absolute ? [] : this.menu.split('/').filter(Boolean);
    const full = [...base, ...path];
    const verb = full.at(-1) ?? '';
    const menuPath = `/${full.slice(0, -1).join('/')}`;
    if (this.device.menus.has(`/${full.join('/')}`) && args.size === 0) {
      this.menu = `/${full.join('/')}`;
      return { kind: 'status', code: 0 };
    }
    const menu = this.device.menus.get(menuPath);
    if (!menu || !['print', 'set', ...menu.commands.keys()].includes(verb)) {
      // The console names the first word that is neither a menu nor a command of one.
      const paths = [...this.device.menus.keys()];
      const depth = full.findIndex((_, i) => {
        const prefix = `/${full.slice(0, i + 1).join('/')}`;
        return !paths.some((p) => p === prefix || p.startsWith(`${prefix}/`));
      });
      const bad = full[Math.max(0, depth)] ?? line;
      await io.out.write(`bad command name ${bad} (line 1 column ${line.indexOf(bad) + 1})\n`);
      return { kind: 'status', code: 1 };
    }
    if (verb === 'print') {
      await io.out.write(this.print(menuPath, menu.kind === 'list' ? menu.read() : [menu.read()]));
      return { kind: 'status', code: 0 };
    }
    if (verb === 'set') {
      if (menu.kind !== 'singleton' || !menu.set) {
        await io.out.write('failure: not allowed\n');
        return { kind: 'status', code: 1 };
      }
      const encoded = new Map([...args].map(([k, v]) => [k, Buffer.from(v)] as const));
      try {
        menu.set(encoded);
      } catch (error) {
        await io.out.write(`failure: ${(error as Error).message}\n`);
        return { kind: 'status', code: 1 };
      }
      return { kind: 'status', code: 0 };
    }
    const command = menu.commands.get(verb);
    if (!command) return { kind: 'status', code: 1 };
    const controller = new AbortController();
    const onAbort = (): void => {
      controller.abort(new Error('interrupted'));
    };
    io.signal.addEventListener('abort', onAbort, { once: true });
    const pending: Promise<void>[] = [];
    try {
      await command(
        new Map(),
        (section) => pending.push(io.out.write(printItem(section))),
        controller.signal,
      );
      await Promise.all(pending);
    } catch {
      await io.out.write('interrupted\n');
      return { kind: 'status', code: 130 };
    } finally {
      io.signal.removeEventListener('abort', onAbort);
    }
    return { kind: 'status', code: 0 };
  }

  private print(menu: string, items: RosRecord[]): string {
    const get = (item: RosRecord, name: string): string => text(item.get(name)) ?? '';
    const yes = this.device.profile.booleans[0];
    if (menu === '/interface') {
      const rows = items.map((item, i) => {
        const flags = `${get(item, 'disabled') === yes ? 'X' : get(item, 'running') === yes ? 'R' : ' '}${get(item, 'slave') === yes ? 'S' : ' '}`;
        return [
          `${String(i).padStart(2)} ${flags}`,
          get(item, 'name'),
          get(item, 'type'),
          get(item, 'actual-mtu') || get(item, 'mtu'),
          get(item, 'mac-address'),
        ];
      });
      return `Flags: X - DISABLED; R - RUNNING; S - SLAVE\nColumns: NAME, TYPE, ACTUAL-MTU, MAC-ADDRESS\n${table([' #   ', 'NAME', 'TYPE', 'ACTUAL-MTU', 'MAC-ADDRESS'], rows)}`;
    }
    if (menu === '/ip/address') {
      const rows = items.map((item, i) => [
        `${String(i)} ${get(item, 'dynamic') === yes ? 'D' : ' '}`,
        get(item, 'address'),
        get(item, 'network'),
        get(item, 'interface'),
      ]);
      return `Flags: D - DYNAMIC\nColumns: ADDRESS, NETWORK, INTERFACE\n${table(['#  ', 'ADDRESS', 'NETWORK', 'INTERFACE'], rows)}`;
    }
    if (menu === '/system/package') {
      const rows = items.map((item, i) => [
        String(i),
        get(item, 'name'),
        get(item, 'version'),
        get(item, 'build-time'),
        get(item, 'size'),
      ]);
      return `Columns: NAME, VERSION, BUILD-TIME, SIZE\n${table(['#', 'NAME', 'VERSION', 'BUILD-TIME', 'SIZE'], rows)}`;
    }
    return items.map(printItem).join('\n');
  }
}
