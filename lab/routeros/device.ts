import { EventEmitter } from 'node:events';

import { latestOnChannel } from '../fleet/catalog';
import type { RouterDevice } from '../fleet/types';
import {
  addressRecord,
  containerNetwork,
  deriveAddress,
  encodingSamples,
  interfaceRecord,
} from './device-records';
import {
  bytes,
  listMenu,
  record,
  RosTrap,
  text,
  type Menu,
  type MenuCommand,
  type RosRecord,
} from './model';
import { formatDate, formatDuration, profileFor, type VersionProfile } from './profile';

export interface DeviceOptions {
  username?: string;
  password?: string;
  /** Overrides what the version implies (login methods, `!empty`, date style…). */
  profile?: Partial<VersionProfile>;
  /** How long `check-for-updates` spends "finding out latest version…". */
  updateCheckDelayMs?: number;
  /** Interface comments in cp1252, cp1250, UTF-8 and invalid bytes (§5 item 12). */
  encodingSamples?: boolean;
  /** Runs a container: its `veth1` and gateway address are listed too (`containerNetwork`). */
  container?: boolean;
  /** Reference time; the uptime counts on from it. */
  now?: () => number;
}

/** Build times of the versions the fleet uses; any other version gets a fixed date. */
const buildTimes: Record<string, number> = {
  '7.20.7': Date.UTC(2026, 0, 8, 9, 40, 0),
  '7.21.1': Date.UTC(2026, 1, 19, 11, 2, 51),
  '7.19.6': Date.UTC(2025, 9, 14, 7, 12, 3),
  '7.16.2': Date.UTC(2024, 10, 26, 12, 30, 9),
};

/**
 * One simulated RouterOS device: its menus and the state commands change. Both the native API
 * sessions and the REST server read and write through this object.
 */
export class RouterOsDevice {
  readonly events = new EventEmitter();
  readonly profile: VersionProfile;
  readonly username: string;
  readonly password: string;
  readonly menus = new Map<string, Menu>();
  private identity: string;
  private readonly startedAt: number;
  private readonly now: () => number;
  private update: { latest: string | undefined; status: string | undefined };

  constructor(
    readonly source: RouterDevice,
    private readonly options: DeviceOptions = {},
  ) {
    this.events.setMaxListeners(0);
    this.profile = profileFor(source.version, options.profile);
    this.username = options.username ?? 'admin';
    this.password = options.password ?? '';
    this.identity = source.identity;
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.update = {
      latest: source.latestVersion ?? undefined,
      status: source.updateStatus ?? undefined,
    };
    this.buildMenus();
  }

  get currentIdentity(): string {
    return this.identity;
  }

  private buildMenus(): void {
    const { source, profile, events } = this;
    const bool = (value: boolean): string => profile.booleans[value ? 0 : 1];
    const singleton = (
      path: string,
      read: () => RosRecord,
      extra: Partial<Pick<Extract<Menu, { kind: 'singleton' }>, 'set'>> = {},
      commands: ReadonlyMap<string, MenuCommand> = new Map(),
    ): void => {
      this.menus.set(path, { kind: 'singleton', path, read, commands, ...extra });
    };

    singleton('/system/identity', () => record([['name', this.identity]]), {
      set: (args) => {
        for (const name of args.keys()) {
          if (name !== 'name') throw new RosTrap(`unknown parameter ${name}`, 1);
        }
        this.identity = text(args.get('name')) ?? this.identity;
        events.emit('/system/identity', { kind: 'set', record: record([['name', this.identity]]) });
      },
    });

    singleton('/system/resource', () => this.resource());

    singleton('/system/routerboard', () =>
      source.routerboard
        ? record([
            ['routerboard', bool(true)],
            ['board-name', source.boardName],
            ['model', source.model],
            ['serial-number', source.serial],
            ['firmware-type', source.firmwareType ?? undefined],
            ['factory-firmware', source.factoryFirmware],
            ['current-firmware', source.currentFirmware],
            ['upgrade-firmware', source.upgradeFirmware],
          ])
        : record([['routerboard', bool(false)]]),
    );

    // CHR has no serial number; its identity for inventory is the license system id.
    singleton('/system/license', () =>
      source.routerboard
        ? record([
            ['software-id', source.serial.replace(/(.{4})(.{4})?/, '$1-$2').replace(/-$/, '')],
            ['nlevel', '4'],
            ['features', ''],
          ])
        : record([
            ['system-id', source.serial],
            ['level', 'p1'],
          ]),
    );

    const container = this.options.container === true ? containerNetwork(source) : null;
    const interfaces = [...source.interfaces, ...(container ? [container.veth] : [])].map((item) =>
      interfaceRecord(source, item, profile),
    );
    if (this.options.encodingSamples === true) encodingSamples(interfaces);
    this.menus.set('/interface', listMenu('/interface', interfaces, events, { byName: true }));

    const addresses = [...source.addresses, ...(container ? [container.address] : [])].map((item) =>
      addressRecord(item, profile),
    );
    this.menus.set(
      '/ip/address',
      listMenu('/ip/address', addresses, events, {
        writable: ['address', 'interface', 'disabled', 'comment', 'network'],
        required: ['address', 'interface'],
        derive: (item) => {
          deriveAddress(item, profile, interfaces);
        },
      }),
    );

    this.menus.set('/system/package', listMenu('/system/package', this.packages(), events));

    singleton(
      '/system/package/update',
      () => this.updateRecord(),
      {},
      new Map([['check-for-updates', this.checkForUpdates]]),
    );
  }

  private resource(): RosRecord {
    const { source, profile } = this;
    const uptime = source.uptimeSeconds + Math.floor((this.now() - this.startedAt) / 1000);
    const hdd = source.architecture === 'x86_64' ? 1073741824 : 16777216;
    return record([
      ['uptime', formatDuration(uptime)],
      ['version', `${source.version} (${source.channel})`],
      [
        'build-time',
        formatDate(profile, buildTimes[source.version] ?? Date.UTC(2025, 5, 1, 8, 0, 0)),
      ],
      ['factory-software', source.factoryFirmware],
      ['free-memory', String(Math.floor(source.totalMemory * 0.66))],
      ['total-memory', String(source.totalMemory)],
      ['cpu', source.cpu],
      ['cpu-count', String(source.cpuCount)],
      ['cpu-frequency', source.architecture === 'x86_64' ? '2400' : '672'],
      ['cpu-load', String(uptime % 7)],
      ['free-hdd-space', String(Math.floor(hdd * 0.02))],
      ['total-hdd-space', String(hdd)],
      ['write-sect-since-reboot', String(169 + (uptime % 1000))],
      ['write-sect-total', '4184523'],
      ['bad-blocks', source.architecture === 'mmips' ? '0' : undefined],
      ['architecture-name', source.architecture],
      ['board-name', source.boardName],
      ['platform', 'MikroTik'],
    ]);
  }

  private packages(): RosRecord[] {
    const { source, profile } = this;
    const built = formatDate(profile, buildTimes[source.version] ?? Date.UTC(2025, 5, 1, 8, 0, 0));
    const names = [
      'routeros',
      ...(source.interfaces.some((item) => item.type === 'wlan') ? ['wifi-qcom-ac'] : []),
      ...(this.options.container === true ? ['container'] : []),
    ];
    return names.map((name, index) =>
      record([
        ['.id', `*${(index + 1).toString(16).toUpperCase()}`],
        ['name', name],
        ['version', source.version],
        ['build-time', built],
        ['scheduled', ''],
        ['disabled', profile.booleans[1]],
        ['available', profile.packageSizes ? profile.booleans[1] : undefined],
        [
          'size',
          profile.packageSizes ? String(name === 'routeros' ? 12783616 : 2621440) : undefined,
        ],
      ]),
    );
  }

  private updateRecord(state = this.update): RosRecord {
    const { status, latest } = state;
    return record([
      ['channel', this.source.channel],
      ['installed-version', this.source.version],
      ['latest-version', latest],
      ['status', status],
    ]);
  }

  /**
   * Streams `.section` records: first "finding out latest version...", then after the delay the
   * outcome, which later prints of `/system/package/update` return (§3.6, §5 item 14).
   */
  private readonly checkForUpdates: MenuCommand = async (_args, emit, signal) => {
    const section = (index: number, body: RosRecord): RosRecord =>
      new Map([['.section', bytes(String(index))], ...body]);
    emit(
      section(0, this.updateRecord({ status: 'finding out latest version...', latest: undefined })),
    );
    await abortableDelay(this.options.updateCheckDelayMs ?? 50, signal);
    const failed = this.source.updateStatus?.startsWith('ERROR') === true;
    const latest = failed
      ? undefined
      : (latestOnChannel[this.source.channel] ?? this.source.version);
    const status = failed
      ? (this.source.updateStatus ?? 'ERROR: could not resolve dns name')
      : latest === this.source.version
        ? 'System is already up to date'
        : 'New version is available';
    this.update = { latest, status };
    emit(section(1, this.updateRecord()));
  };
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
