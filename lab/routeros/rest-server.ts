import { STATUS_CODES } from 'node:http';

import {
  json,
  parseJsonBody,
  type LabHandler,
  type LabRequest,
  type LabResponse,
} from '../common/http';
import type { RouterOsDevice } from './device';
import { recordJson, recordsJson } from './json-bytes';
import { bytes, RosTrap, type Menu, type RosRecord } from './model';
import { selectItems } from './native-menu';
import { applyProplist } from './query';

export interface RestOptions {
  /** 7.1-era devices answered GET on a singleton with a one-element array (§2.2). */
  singletonAsArray?: boolean;
  /** Send control bytes inside strings unescaped, as some versions do (§2.4). */
  rawControlBytes?: boolean;
  /** The hard limit on one request; blocking commands are cut off after it (60 s on RouterOS). */
  requestLimitMs?: number;
}

/** `{error, message[, detail]}` with the HTTP reason phrase as `message` (§2.4). */
export function restError(status: number, detail?: string): LabResponse {
  const body: Record<string, unknown> = { error: status, message: STATUS_CODES[status] ?? 'Error' };
  if (detail !== undefined) body.detail = detail;
  return json(status, body);
}

const jsonBody = (status: number, body: Buffer): LabResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body,
});

/** The v7 REST API of one device (reference/routeros.md §2). */
export function restHandler(device: RouterOsDevice, options: RestOptions = {}): LabHandler {
  const out = { rawControlBytes: options.rawControlBytes === true };
  return async (req) => {
    if (!authorized(req, device)) {
      return {
        ...restError(401),
        headers: {
          'content-type': 'application/json',
          'www-authenticate': 'Basic realm="RouterOS"',
        },
      };
    }
    if (!req.path.startsWith('/rest/')) return restError(404);
    let segments: string[];
    try {
      segments = req.path.slice('/rest/'.length).split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return restError(400, 'invalid URL');
    }
    const fullPath = `/${segments.join('/')}`;
    const direct = device.menus.get(fullPath);
    const parent = device.menus.get(`/${segments.slice(0, -1).join('/')}`);
    const last = segments.at(-1) ?? '';
    try {
      const menu = direct ?? parent;
      if (!menu) throw new RosTrap('no such command prefix', 0);
      const target = direct ? undefined : last;
      switch (req.method) {
        case 'GET':
          return get(menu, target, req, options, out);
        case 'POST':
          if (target === undefined) throw new RosTrap('no such command', 0);
          return await post(menu, target, req, options, out);
        case 'PUT': {
          if (menu.kind !== 'list' || !menu.add || target !== undefined)
            throw new RosTrap('no such command', 0);
          const id = menu.add(argsOf(req));
          return jsonBody(200, recordJson(menu.find(id) ?? new Map<string, Uint8Array>(), out));
        }
        case 'PATCH':
          if (menu.kind !== 'list' || !menu.set || target === undefined)
            throw new RosTrap('no such command', 0);
          return jsonBody(200, recordJson(menu.set(target, argsOf(req)), out));
        case 'DELETE':
          if (menu.kind !== 'list' || !menu.remove || target === undefined)
            throw new RosTrap('no such command', 0);
          menu.remove(target);
          return { status: 204 };
        default:
          return restError(405);
      }
    } catch (error) {
      if (error instanceof RosTrap) {
        return error.httpStatus === 404
          ? restError(404)
          : restError(error.httpStatus, error.message);
      }
      throw error;
    }
  };
}

function authorized(req: LabRequest, device: RouterOsDevice): boolean {
  if (req.credentialFault !== null) return false;
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+(\S+)$/i.exec(header);
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return false;
  return (
    decoded.slice(0, colon) === device.username && decoded.slice(colon + 1) === device.password
  );
}

function get(
  menu: Menu,
  target: string | undefined,
  req: LabRequest,
  options: RestOptions,
  out: { rawControlBytes: boolean },
): LabResponse {
  const proplist = req.query.get('.proplist')?.split(',').filter(Boolean);
  if (target !== undefined) {
    if (menu.kind !== 'list') throw new RosTrap(`no such command or directory (${target})`, 0);
    const item = menu.find(target);
    if (!item) throw new RosTrap('no such item', 1, 404);
    return jsonBody(200, recordJson(applyProplist(item, proplist), out));
  }
  // Query-string filters are equality only and AND-ed (§2.1).
  const queries = [...req.query]
    .filter(([name]) => name !== '.proplist')
    .map(([name, value]) => bytes(`${name}=${value}`));
  const items = selectItems(menu, queries, proplist);
  if (menu.kind === 'singleton' && options.singletonAsArray !== true) {
    return jsonBody(200, recordJson(items[0] ?? new Map<string, Uint8Array>(), out));
  }
  return jsonBody(200, recordsJson(items, out));
}

async function post(
  menu: Menu,
  verb: string,
  req: LabRequest,
  options: RestOptions,
  out: { rawControlBytes: boolean },
): Promise<LabResponse> {
  const body = bodyObject(req);
  switch (verb) {
    case 'print': {
      const proplist = body['.proplist'];
      const names = Array.isArray(proplist)
        ? proplist.map(String)
        : typeof proplist === 'string'
          ? proplist.split(',').filter(Boolean)
          : undefined;
      const query = body['.query'];
      const queries = Array.isArray(query) ? query.map((word) => bytes(String(word))) : [];
      return jsonBody(200, recordsJson(selectItems(menu, queries, names), out));
    }
    case 'add':
      if (menu.kind === 'list' && menu.add) return json(200, { ret: menu.add(argsOf(req)) });
      break;
    case 'set':
    case 'remove': {
      if (menu.kind === 'singleton' && verb === 'set' && menu.set) menu.set(argsOf(req));
      else if (menu.kind === 'list' && menu[verb]) {
        const id = typeof body['.id'] === 'string' ? body['.id'] : '';
        if (verb === 'set') menu.set?.(id, argsOf(req));
        else menu.remove?.(id);
      } else break;
      return json(200, []);
    }
    default: {
      const command = menu.commands.get(verb);
      if (!command) break;
      const sections: RosRecord[] = [];
      const signal = AbortSignal.timeout(options.requestLimitMs ?? 60_000);
      try {
        await command(argsOf(req), (section) => sections.push(section), signal);
      } catch (error) {
        if (signal.aborted) throw new RosTrap('interrupted', 2);
        throw error;
      }
      return jsonBody(200, recordsJson(sections, out));
    }
  }
  throw new RosTrap(`no such command or directory (${verb})`, 0);
}

function bodyObject(req: LabRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  const body = parseJsonBody(req);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new RosTrap('JSON parse error', 1);
  }
  return body as Record<string, unknown>;
}

/** A JSON body as command arguments; RouterOS reads every value as text. */
function argsOf(req: LabRequest): Map<string, Uint8Array> {
  const args = new Map<string, Uint8Array>();
  for (const [name, value] of Object.entries(bodyObject(req))) {
    if (name === '.proplist' || name === '.query') continue;
    args.set(name, bytes(typeof value === 'string' ? value : JSON.stringify(value)));
  }
  return args;
}
