import { z } from 'zod';
import type { SshSessionView } from '../../../../shared/ssh';
import { bridge } from '../../lib/bridge';
import { singleWindowHost } from '../../lib/terminal-channel';
import { adoptSession } from './terminal-actions';
import { useTerminalsStore, type TerminalsState } from './terminals-store';

/**
 * Terminals outlive a reload of their window (F5 in the browser, the app's renderer started
 * again after a crash): the window keeps a list of its tabs in its session storage, and a
 * window that starts with one takes its sessions back from the core — each tab where it was,
 * its screen replayed from the session's latest output, the questions a session still
 * connecting had on screen asked again. Sessions no window shows are ended.
 */

const storageKey = 'rackside.terminal-tabs';

const SavedTab = z.object({
  sessionId: z.string().min(1).max(200),
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('profile'), profileId: z.string(), label: z.string() }),
    z.object({
      kind: z.literal('quick'),
      user: z.string(),
      host: z.string(),
      port: z.number().int().min(1).max(65_535),
    }),
    z.object({
      kind: z.literal('lxc'),
      nodeProfileId: z.string(),
      vmid: z.number().int(),
      label: z.string(),
      hostname: z.string().nullable().optional(),
      profileName: z.string().optional(),
    }),
  ]),
  name: z.string().max(200).nullable(),
  pane: z.union([z.literal(0), z.literal(1)]),
  broadcast: z.boolean(),
  /** Its number among tabs of its label (lists saved before numbers were kept have none). */
  ordinal: z.number().int().min(1).max(100_000).optional(),
});
type SavedTab = z.infer<typeof SavedTab>;

const SavedTabs = z.object({
  tabs: z.array(SavedTab).max(500),
  /** Each pane's shown tab, by session id. */
  active: z.tuple([z.string().nullable(), z.string().nullable()]),
  split: z.boolean(),
  focusedPane: z.union([z.literal(0), z.literal(1)]),
});
export type SavedTabs = z.infer<typeof SavedTabs>;

/** What a reloaded window needs to show this window's terminals again. */
export function savedTabsOf(state: TerminalsState): SavedTabs {
  const sessionOf = (key: string | null): string | null =>
    state.tabs.find((tab) => tab.key === key)?.sessionId ?? null;
  return {
    tabs: state.tabs.flatMap((tab) =>
      tab.sessionId === null
        ? []
        : [
            {
              sessionId: tab.sessionId,
              target: tab.target,
              name: tab.name,
              pane: tab.pane,
              broadcast: tab.broadcast,
              ordinal: tab.ordinal,
            },
          ],
    ),
    active: [sessionOf(state.active[0]), sessionOf(state.active[1])],
    split: state.split,
    focusedPane: state.focusedPane,
  };
}

/** The saved list, or null when there is none or it cannot be read (then nothing is restored). */
export function readSavedTabs(storage: Pick<Storage, 'getItem'>): SavedTabs | null {
  try {
    const raw = storage.getItem(storageKey);
    if (raw === null) return null;
    const parsed = SavedTabs.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function writeSavedTabs(storage: Pick<Storage, 'setItem'>, json: string): void {
  try {
    storage.setItem(storageKey, json);
  } catch {
    // Storage refused (full, or a private window): a reload then ends this window's terminals.
  }
}

/** The windows (by their session storage) that have restored already. */
const started = new WeakSet<Storage>();

/**
 * Once per window, at start: takes back the sessions a reloaded window showed, ends those no
 * window shows, then keeps the saved list up to date.
 */
export async function restoreTerminals(storage: Storage = window.sessionStorage): Promise<void> {
  if (started.has(storage)) return;
  started.add(storage);
  try {
    await takeBack(storage);
  } finally {
    let last = '';
    const save = (state: TerminalsState): void => {
      const json = JSON.stringify(savedTabsOf(state));
      if (json === last) return;
      last = json;
      writeSavedTabs(storage, json);
    };
    save(useTerminalsStore.getState());
    useTerminalsStore.subscribe(save);
  }
}

/** How long a session another page shows must stay shown there before it is left alone. */
const stillShownMs = 600;

async function takeBack(storage: Storage): Promise<void> {
  const saved = readSavedTabs(storage);
  let listed = await bridge().call('ssh:list', {});
  if (!listed.ok) return;
  const wanted = new Set(saved?.tabs.map((tab) => tab.sessionId));
  // A reloaded page's old socket may still be closing; a session shown elsewhere a moment
  // later belongs to another live page (a second browser tab) and is left to it.
  if (!singleWindowHost() && listed.data.some((s) => wanted.has(s.id) && s.attached)) {
    await new Promise((resolve) => setTimeout(resolve, stillShownMs));
    const again = await bridge().call('ssh:list', {});
    if (!again.ok) return;
    listed = again;
  }
  const live = new Map(listed.data.map((session) => [session.id, session]));
  const shownElsewhere = (session: SshSessionView): boolean =>
    session.attached && !singleWindowHost();
  const ours = new Set(useTerminalsStore.getState().tabs.map((tab) => tab.sessionId));
  const keys = new Map<string, string>();
  for (const tab of saved?.tabs ?? []) {
    const session = live.get(tab.sessionId);
    if (session === undefined || ours.has(session.id) || shownElsewhere(session)) continue;
    ours.add(session.id);
    keys.set(session.id, await adoptSession(tab, session));
  }
  if (saved !== null) placeAsSaved(saved, keys);
  await Promise.all(
    listed.data
      .filter((session) => !ours.has(session.id) && !shownElsewhere(session))
      .map((session) => bridge().call('ssh:close', { sessionId: session.id })),
  );
}

function placeAsSaved(saved: SavedTabs, keys: Map<string, string>): void {
  if (keys.size === 0) return;
  useTerminalsStore.setState((state) => ({
    split: saved.split,
    focusedPane: saved.focusedPane,
    active: [
      keys.get(saved.active[0] ?? '') ?? state.active[0],
      keys.get(saved.active[1] ?? '') ?? state.active[1],
    ],
  }));
}
