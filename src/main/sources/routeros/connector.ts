import { AppError, isAppError } from '../../../shared/errors';
import { routerosDefaultPorts, type ProfileView } from '../../../shared/profiles';
import { isHttpError } from '../../net/errors';
import type { HttpClientOptions } from '../../net/http-client';
import type { SecretValues } from '../../profiles/profile-service';
import type { SourceConnector, SourceRecord, SyncContext, TestSummary } from '../types';
import { printAll, printOne, type RouterOsApi } from './api';
import { openNativeApi } from './native-api';
import { normalizeRouter, type RouterFacts } from './normalize';
import { openRestApi } from './rest-api';
import { RouterOsTrapError } from './session';
import {
  Address,
  Identity,
  Interface,
  License,
  Package,
  Resource,
  Routerboard,
  rosBool,
  UpdateStatus,
  User,
  UserGroup,
} from './schemas';
import type { RouterOsCharset } from './text';

type RouterosProfile = ProfileView & {
  connection: Extract<ProfileView['connection'], { kind: 'routeros' }>;
};

export interface RouterOsConnectorOptions {
  charset?: RouterOsCharset;
  connectTimeoutMs?: number;
  /** Per native command (default 30 s). */
  commandTimeoutMs?: number;
  /** Reply bytes held at once on a native session (default 64 MiB). */
  maxPendingBytes?: number;
  /** HTTP tuning for the REST transport. */
  http?: Partial<Omit<HttpClientOptions, 'system' | 'baseUrl' | 'tls' | 'headers'>>;
  /** Wait before a sync tries a dropped session again (default 500 ms). */
  retryDelayMs?: number;
}

function routerosProfile(profile: ProfileView): RouterosProfile {
  if (profile.connection.kind !== 'routeros') {
    throw new AppError('bad-request', `Profile "${profile.name}" is not a RouterOS profile.`);
  }
  return profile as RouterosProfile;
}

/** Opens the profile's transport: native api-ssl (default), plain api, or REST. */
export async function openApi(
  profile: ProfileView,
  secrets: SecretValues,
  options: RouterOsConnectorOptions,
  signal?: AbortSignal,
): Promise<RouterOsApi> {
  const { connection } = routerosProfile(profile);
  // RouterOS allows an empty password (fresh devices: admin with none).
  const password = secrets.password ?? '';
  const port = connection.port ?? routerosDefaultPorts[connection.transport];
  const common = {
    host: connection.host,
    port,
    tls: connection.tls,
    username: connection.username,
    password,
    ...(options.charset === undefined ? {} : { charset: options.charset }),
  };
  if (connection.transport === 'rest') {
    return openRestApi({
      ...common,
      ...(options.http === undefined ? {} : { http: options.http }),
    });
  }
  return openNativeApi({
    ...common,
    secure: connection.transport === 'api-ssl',
    ...(options.connectTimeoutMs === undefined
      ? {}
      : { connectTimeoutMs: options.connectTimeoutMs }),
    ...(options.commandTimeoutMs === undefined
      ? {}
      : { commandTimeoutMs: options.commandTimeoutMs }),
    ...(options.maxPendingBytes === undefined ? {} : { maxPendingBytes: options.maxPendingBytes }),
    ...(signal === undefined ? {} : { signal }),
  });
}

async function withApi<T>(
  profile: ProfileView,
  secrets: SecretValues,
  options: RouterOsConnectorOptions,
  signal: AbortSignal,
  run: (api: RouterOsApi) => Promise<T>,
): Promise<T> {
  const api = await openApi(profile, secrets, options, signal);
  try {
    return await run(api);
  } finally {
    await api.close();
  }
}

/** Reads every menu a record needs; the native transport runs them concurrently (tagged). */
export async function readRouter(api: RouterOsApi, signal: AbortSignal): Promise<RouterFacts> {
  const [identity, resource, routerboard, interfaces, addresses, packages, update] =
    await Promise.all([
      printOne(api, '/system/identity', Identity, signal),
      printOne(api, '/system/resource', Resource, signal),
      printOne(api, '/system/routerboard', Routerboard, signal),
      printAll(api, '/interface', Interface, signal),
      printAll(api, '/ip/address', Address, signal),
      printAll(api, '/system/package', Package, signal),
      // The last scheduled check's result; `check-for-updates` would block and reach the internet.
      printAll(api, '/system/package/update', UpdateStatus, signal),
    ]);
  const serial = routerboard['serial-number'];
  const license =
    rosBool(routerboard.routerboard) === false || !serial
      ? await printOne(api, '/system/license', License, signal)
      : null;
  return {
    identity: identity.name,
    resource,
    routerboard,
    license: license as Record<string, string> | null,
    interfaces,
    addresses,
    packages,
    update: update[0] ?? null,
  };
}

/**
 * The user's group and its policies, where the user may read `/user` (often it may not: that is
 * said as a warning, not listed as something it may do). The sync does not need it.
 */
async function userPolicies(
  api: RouterOsApi,
  username: string,
  signal: AbortSignal,
): Promise<{ permissions: string[]; warnings: string[] }> {
  const hidden = {
    permissions: [],
    warnings: ["the user's group and policies are not visible to it (it cannot read /user)"],
  };
  try {
    const users = await printAll(api, '/user', User, signal);
    const group = users.find((user) => user.name === username)?.group;
    if (group === undefined) return hidden;
    const groups = await printAll(api, '/user/group', UserGroup, signal);
    const policy = groups.find((entry) => entry.name === group)?.policy;
    return {
      permissions: [`group ${group}${policy === undefined ? '' : `: ${policy}`}`],
      warnings: [],
    };
  } catch (error) {
    // A trap on the native API, 400/403/404 on REST: the menu is not there for this user.
    const refused =
      error instanceof RouterOsTrapError ||
      (isHttpError(error) && [400, 403, 404].includes(error.details.status ?? 0));
    if (refused) return hidden;
    throw error;
  }
}

async function testRouter(
  api: RouterOsApi,
  profile: RouterosProfile,
  signal: AbortSignal,
): Promise<TestSummary> {
  const [identity, resource, routerboard] = await Promise.all([
    printOne(api, '/system/identity', Identity, signal),
    printOne(api, '/system/resource', Resource, signal),
    printOne(api, '/system/routerboard', Routerboard, signal),
  ]);
  const board = routerboard.model ?? resource['board-name'] ?? 'unknown board';
  const warnings: string[] = [];
  if (profile.connection.transport === 'api') {
    warnings.push('plain api (8728) sends the password and all data unencrypted');
  }
  if (profile.connection.tls.insecure && profile.connection.transport !== 'api') {
    warnings.push('TLS verification is off for this profile');
  }
  const policies = await userPolicies(api, profile.connection.username, signal);
  return {
    version: `RouterOS ${resource.version}`,
    identity: `${profile.connection.username} on ${identity.name} (${board}, ${api.transport})`,
    permissions: policies.permissions,
    warnings: [...warnings, ...policies.warnings],
  };
}

export function createRouterOsConnector(options: RouterOsConnectorOptions = {}): SourceConnector {
  return {
    system: 'routeros',
    test: (profile, secrets, signal) =>
      withApi(profile, secrets, options, signal, (api) =>
        testRouter(api, routerosProfile(profile), signal),
      ),
    sync: async (profile, secrets, context: SyncContext): Promise<SourceRecord[]> => {
      const once = (): Promise<SourceRecord[]> =>
        withApi(profile, secrets, options, context.signal, async (api) => {
          context.progress({ phase: 'router', done: 0, total: 1, records: 0 });
          const facts = await readRouter(api, context.signal);
          if (/^error/i.test(facts.update?.status ?? '')) {
            context.warn(`last update check failed: ${facts.update?.status ?? ''}`);
          }
          const record = normalizeRouter(facts);
          context.progress({ phase: 'router', done: 1, total: 1, records: 1 });
          return [record];
        });
      try {
        return await once();
      } catch (error) {
        // The sync only reads: a session the router dropped, or a command it was too busy for,
        // is tried once more on a new session, as the HTTP sources retry their requests.
        if (context.signal.aborted || !transient(error)) throw error;
        context.warn(`tried again after: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 500));
        context.signal.throwIfAborted();
        return once();
      }
    },
  };
}

/** A failure another session may not meet: the router ended this one, or was too busy. */
function transient(error: unknown): boolean {
  if (error instanceof RouterOsTrapError) return error.category === 4 || error.category === 5;
  return (
    isAppError(error) &&
    (error.code === 'unavailable' || error.code === 'timeout') &&
    !/certificate|TLS|refused/i.test(error.message)
  );
}

export const routerosConnector: SourceConnector = createRouterOsConnector();
