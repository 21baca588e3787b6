/**
 * The lab's RouterOS simulator: per device, a native API listener (`api`, plain TCP), an
 * `api-ssl` listener (certificate, or certificate-less anonymous DH where the runtime allows it)
 * and a REST server over HTTPS (`www-ssl`). Each device has its own ports and its own
 * credentials, as separate routers do. Behaviour follows ../shared/reference/routeros.md.
 */
import { FaultInjector, type FaultPlan } from '../common/faults';
import { startHttpServer } from '../common/http';
import type { TlsMaterial } from '../common/tls';
import type { RouterDevice } from '../fleet/types';
import { RouterOsDevice, type DeviceOptions } from './device';
import { startNativeListener, type NativeTransport } from './native-server';
import type { NativeSessionOptions } from './native-session';
import { restError, restHandler, type RestOptions } from './rest-server';
import { anonymousDhSupport, type AnonymousDhSupport } from './tls-modes';

export { RouterOsDevice } from './device';
export type { DeviceOptions } from './device';
export type { ChunkingMode } from './native-writer';
export type { NativeFault, NativeSessionOptions } from './native-session';
export type { NativeTransport } from './native-server';
export type { RestOptions } from './rest-server';
export { anonymousDhClientOptions, anonymousDhSupport } from './tls-modes';
export type { LoginMode, VersionProfile } from './profile';

/** Per-device behaviour beyond what the fleet record says. */
export interface RouterOsDeviceConfig extends DeviceOptions {
  /** What the `api-ssl` port speaks (default `certificate`). */
  apiSsl?: Exclude<NativeTransport, 'plain'>;
  native?: NativeSessionOptions;
  rest?: RestOptions;
}

export interface RouterOsLabOptions {
  routers: readonly RouterDevice[];
  /** Certificate for `api-ssl` and REST (the lab run's `tlsFor(labTls, mode)`). */
  tls: TlsMaterial;
  faults?: FaultPlan | null;
  /** Overrides per device; credentials default to `admin` / `lab-<serial>`. */
  configure?: (router: RouterDevice, index: number) => RouterOsDeviceConfig;
}

export interface RouterOsEndpoint {
  identity: string;
  serial: string;
  version: string;
  host: '127.0.0.1';
  apiPort: number;
  apiSslPort: number;
  /** What `apiSslPort` actually speaks (ADH falls back to a certificate where unsupported). */
  apiSslMode: Exclude<NativeTransport, 'plain'>;
  /** `https://127.0.0.1:<port>/rest` */
  restUrl: string;
  username: string;
  password: string;
  /** The live device, for tests that change state or inspect it. */
  device: RouterOsDevice;
}

export interface RouterOsLab {
  devices: RouterOsEndpoint[];
  anonymousDh: AnonymousDhSupport;
  /** Things a person running the lab should know (e.g. ADH unavailable). */
  notices: string[];
  close(): Promise<void>;
}

export const defaultPassword = (router: RouterDevice): string =>
  `lab-${router.serial.toLowerCase()}`;

export async function startRouterOs(options: RouterOsLabOptions): Promise<RouterOsLab> {
  const anonymousDh = await anonymousDhSupport();
  const notices: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(closers.map((closer) => closer()));
  };
  try {
    const devices: RouterOsEndpoint[] = [];
    for (const [index, router] of options.routers.entries()) {
      const config = options.configure?.(router, index) ?? {};
      const device = new RouterOsDevice(router, {
        ...config,
        username: config.username ?? 'admin',
        password: config.password ?? defaultPassword(router),
      });
      let apiSslMode = config.apiSsl ?? 'certificate';
      if (apiSslMode === 'anonymous-dh' && !anonymousDh.supported) {
        notices.push(
          `${router.identity}: ${anonymousDh.reason ?? 'no ADH'}; api-ssl uses the certificate`,
        );
        apiSslMode = 'certificate';
      }
      const native = new FaultInjector(options.faults ?? null, 'routeros');
      const sessionOptions = (): NativeSessionOptions => ({ ...config.native, faults: native });
      const api = await startNativeListener(device, 'plain', options.tls, sessionOptions);
      closers.push(() => api.close());
      const apiSsl = await startNativeListener(device, apiSslMode, options.tls, sessionOptions);
      closers.push(() => apiSsl.close());
      const rest = await startHttpServer({
        handler: restHandler(device, config.rest),
        tls: options.tls,
        faults: new FaultInjector(options.faults ?? null, 'routeros', {
          error: (status) => restError(status),
        }),
        onError: () => restError(500, 'internal error'),
      });
      closers.push(() => rest.close());
      devices.push({
        identity: router.identity,
        serial: router.serial,
        version: router.version,
        host: '127.0.0.1',
        apiPort: api.port,
        apiSslPort: apiSsl.port,
        apiSslMode,
        restUrl: `${rest.url}/rest`,
        username: device.username,
        password: device.password,
        device,
      });
    }
    return { devices, anonymousDh, notices, close };
  } catch (error) {
    await close();
    throw error;
  }
}
