/**
 * `startLab(options)`: every simulator over one seeded fleet on 127.0.0.1 and free ports, with
 * one TLS identity per run, optional fault injection, a manifest of ready profiles and the
 * ground truth. `close()` stops everything. Used by `npm run lab`, tests, the demo and benchmarks.
 */
import { createLabTls, tlsFor, type LabTls, type TlsMode } from './common/tls';
import { faultProfile, type FaultPlan, type FaultProfileName } from './common/faults';
import { generateFleet, groundTruth, type Fleet, type TruthEntry } from './fleet';
import { startForeman, type ForemanLab, type ForemanOptions } from './foreman';
import { buildManifest } from './manifest';
import { startPatchmon, type PatchmonLab, type PatchmonOptions } from './patchmon';
import { startProxmoxFleet, type ProxmoxOptions, type ProxmoxServer } from './proxmox';
import { startRouterOs, type RouterOsLab, type RouterOsLabOptions } from './routeros';
import { startSshLab, type SshLab, type SshLabOptions } from './ssh';
import type { ManifestInput } from '../src/shared/manifest';

type Shared = 'fleet' | 'tls' | 'faults';

export interface LabOptions {
  /** Assets in the fleet (default 300), ignored when `fleet` is given. */
  size?: number;
  seed?: number;
  fleet?: Fleet;
  /** A fault plan, or the name of a profile (`flaky`, `hostile`, …) seeded with `seed`. */
  faults?: FaultPlan | FaultProfileName | null;
  /** Certificate the servers present: self-signed (default) or signed by the lab CA. */
  tlsMode?: TlsMode;
  /** Which simulators to start (all by default). */
  systems?: Partial<Record<'foreman' | 'proxmox' | 'patchmon' | 'routeros' | 'ssh', boolean>>;
  foreman?: Partial<Omit<ForemanOptions, Shared>>;
  patchmon?: Partial<Omit<PatchmonOptions, Shared>>;
  proxmox?: Partial<Omit<ProxmoxOptions, Shared | 'cluster'>>;
  routeros?: Partial<Omit<RouterOsLabOptions, Shared | 'routers'>>;
  ssh?: Partial<Omit<SshLabOptions, 'fleet' | 'routers' | 'proxmox'>>;
}

export interface Lab {
  fleet: Fleet;
  tls: LabTls;
  tlsMode: TlsMode;
  foreman: ForemanLab | null;
  patchmon: PatchmonLab | null;
  proxmox: ProxmoxServer[];
  routeros: RouterOsLab | null;
  /** SSH devices: one listener per site; `ssh.commandLog` lists every command run on them. */
  ssh: SshLab | null;
  /** Profile manifest for `rackside profiles import`; `caFile` is required in CA mode. */
  manifest(caFile?: string): ManifestInput;
  truth(): TruthEntry[];
  close(): Promise<void>;
}

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const seed = options.seed ?? 1;
  const fleet = options.fleet ?? generateFleet({ size: options.size ?? 300, seed });
  const tls = await createLabTls();
  const tlsMode = options.tlsMode ?? 'self-signed';
  const material = tlsFor(tls, tlsMode);
  const faults =
    typeof options.faults === 'string'
      ? faultProfile(options.faults, seed)
      : (options.faults ?? null);
  const on = (name: keyof NonNullable<LabOptions['systems']>) => options.systems?.[name] ?? true;
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    await Promise.allSettled(closers.map((c) => c()));
  };
  try {
    const [foreman, patchmon, proxmox, routeros] = await Promise.all([
      on('foreman') ? startForeman({ ...options.foreman, fleet, tls: material, faults }) : null,
      on('patchmon') ? startPatchmon({ ...options.patchmon, fleet, tls: material, faults }) : null,
      on('proxmox')
        ? startProxmoxFleet(fleet, { ...options.proxmox, tls: material, faults })
        : Promise.resolve([]),
      on('routeros')
        ? startRouterOs({
            ...options.routeros,
            routers: fleet.routeros.devices,
            tls: material,
            faults,
          })
        : null,
    ]);
    if (foreman) closers.push(() => foreman.close());
    if (patchmon) closers.push(() => patchmon.close());
    for (const p of proxmox) closers.push(() => p.close());
    if (routeros) closers.push(() => routeros.close());
    // After the API simulators, so the consoles share their router devices and node passwords.
    const ssh = on('ssh')
      ? await startSshLab({
          ...options.ssh,
          fleet,
          routers: routeros?.devices ?? [],
          proxmox,
        })
      : null;
    if (ssh) closers.push(() => ssh.close());
    return {
      fleet,
      tls,
      tlsMode,
      foreman,
      patchmon,
      proxmox,
      routeros,
      ssh,
      manifest: (caFile) => {
        if (tlsMode === 'ca' && caFile === undefined) {
          throw new Error('A CA-signed lab needs the path of the CA bundle for its manifest');
        }
        return buildManifest({
          foreman,
          patchmon,
          proxmox,
          routeros,
          ssh,
          fingerprint256: material.fingerprint256,
          caFile: tlsMode === 'ca' ? (caFile ?? null) : null,
        });
      },
      truth: () => groundTruth(fleet),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
