import { create } from 'zustand';
import type { ImportSummary } from '../../../../shared/contract';
import type { AppErrorShape } from '../../../../shared/errors';
import type { LoginTest } from '../../../../shared/inventory';
import {
  endpointOf,
  type ProbeResult,
  type ProfileKind,
  type ProfileSaveInput,
  type ProfileView,
  type SecretField,
  hostPortText,
} from '../../../../shared/profiles';
import type { Result } from '../../../../shared/result';
import { bridge } from '../../lib/bridge';
import { compareNames } from '../../../../shared/name-sort';
import type { DraftValues } from './profile-form-model';

export type Editor = { mode: 'new'; kind: ProfileKind } | { mode: 'edit'; id: string };
export type Dialog = { type: 'delete'; id: string } | { type: 'import' } | { type: 'export' };
export type ProbeState =
  | { status: 'running' }
  | { status: 'done'; result: ProbeResult }
  | { status: 'error'; error: AppErrorShape };
/**
 * The unsaved values of an editor that closed without Save or Cancel — a vault lock (manual or
 * idle) or another section took the page away — so it reopens with them. Holds no secret value:
 * the store outlives a lock, which forgets secrets; `secretsToRetype` says which were typed.
 */
export interface EditorDraft {
  editor: Editor;
  values: DraftValues;
  secretsToRetype: SecretField[];
  /**
   * The stored version (`updatedAt`) the editor was filled from, so a save of the draft is
   * refused as stale when the profile changed elsewhere meanwhile; undefined for a new profile.
   */
  editedFrom: string | undefined;
}
export type LoginState =
  | { status: 'running' }
  | { status: 'done'; result: LoginTest }
  | { status: 'error'; error: AppErrorShape };

interface ProfilesState {
  profiles: ProfileView[];
  loaded: boolean;
  loadError: AppErrorShape | undefined;
  query: string;
  selectedId: string | undefined;
  /** Folders folded away in the list. */
  collapsed: Record<string, boolean>;
  editor: Editor | undefined;
  draft: EditorDraft | undefined;
  dialog: Dialog | undefined;
  probes: Record<string, ProbeState>;
  /** Login tests of source profiles (the credential sent), by profile id. */
  logins: Record<string, LoginState>;
}

interface ProfilesActions {
  load: () => Promise<void>;
  setQuery: (query: string) => void;
  select: (id: string | undefined) => void;
  toggleFolder: (folder: string) => void;
  /** Opens (or with undefined closes) the editor; an unsaved draft of another one is dropped. */
  openEditor: (editor: Editor | undefined) => void;
  keepDraft: (draft: EditorDraft | undefined) => void;
  openDialog: (dialog: Dialog | undefined) => void;
  save: (input: ProfileSaveInput) => Promise<Result<ProfileView>>;
  remove: (id: string) => Promise<AppErrorShape | undefined>;
  probe: (id: string) => Promise<void>;
  /** Logs in to the source with the stored credential and keeps what it said. */
  testLogin: (id: string) => Promise<void>;
  /** Pins the certificate and probes again, so the user sees whether it now passes. */
  pin: (id: string, sha256: string) => Promise<AppErrorShape | undefined>;
  importFile: (content: string, passphrase: string | null) => Promise<Result<ImportSummary>>;
  importSshConfig: () => Promise<Result<ImportSummary>>;
}

export const initialState: ProfilesState = {
  profiles: [],
  loaded: false,
  loadError: undefined,
  query: '',
  selectedId: undefined,
  collapsed: {},
  editor: undefined,
  draft: undefined,
  dialog: undefined,
  probes: {},
  logins: {},
};

export const useProfilesStore = create<ProfilesState & ProfilesActions>()((set, get) => ({
  ...initialState,
  load: async () => {
    const result = await bridge().call('profiles:list', {});
    if (!result.ok) {
      set({ loadError: result.error, loaded: true });
      return;
    }
    set({ profiles: result.data, loaded: true, loadError: undefined });
  },
  setQuery: (query) => {
    set({ query });
  },
  select: (selectedId) => {
    set({ selectedId });
  },
  toggleFolder: (folder) => {
    set((s) => ({ collapsed: { ...s.collapsed, [folder]: !s.collapsed[folder] } }));
  },
  openEditor: (editor) => {
    set((s) => ({
      editor,
      dialog: undefined,
      draft: sameEditor(s.draft?.editor, editor) ? s.draft : undefined,
    }));
  },
  keepDraft: (draft) => {
    set({ draft });
  },
  openDialog: (dialog) => {
    set({ dialog });
  },
  save: async (input) => {
    const result = await bridge().call('profiles:save', input);
    if (result.ok) {
      const saved = result.data;
      set((s) => ({
        profiles: upsert(s.profiles, saved),
        selectedId: saved.id,
        editor: undefined,
        draft: undefined,
        probes: without(s.probes, saved.id),
        logins: without(s.logins, saved.id),
      }));
    }
    return result;
  },
  remove: async (id) => {
    const result = await bridge().call('profiles:remove', { id });
    if (!result.ok) return result.error;
    set((s) => ({
      profiles: s.profiles.filter((p) => p.id !== id),
      selectedId: s.selectedId === id ? undefined : s.selectedId,
      editor: s.editor?.mode === 'edit' && s.editor.id === id ? undefined : s.editor,
      draft: s.draft?.editor.mode === 'edit' && s.draft.editor.id === id ? undefined : s.draft,
      dialog: undefined,
      probes: without(s.probes, id),
      logins: without(s.logins, id),
    }));
    return undefined;
  },
  probe: async (id) => {
    set((s) => ({ probes: { ...s.probes, [id]: { status: 'running' } } }));
    const result = await bridge().call('profiles:probe', { id });
    const next: ProbeState = result.ok
      ? { status: 'done', result: result.data }
      : { status: 'error', error: result.error };
    set((s) => ({ probes: { ...s.probes, [id]: next } }));
  },
  testLogin: async (id) => {
    set((s) => ({ logins: { ...s.logins, [id]: { status: 'running' } } }));
    const result = await bridge().call('sync:test-login', { profileId: id });
    const next: LoginState = result.ok
      ? { status: 'done', result: result.data }
      : { status: 'error', error: result.error };
    set((s) => ({ logins: { ...s.logins, [id]: next } }));
  },
  pin: async (id, sha256) => {
    const result = await bridge().call('profiles:pin', { id, sha256 });
    if (!result.ok) return result.error;
    set((s) => ({ profiles: upsert(s.profiles, result.data) }));
    await get().probe(id);
    return undefined;
  },
  importFile: async (content, passphrase) => {
    const result = await bridge().call('profiles:import', { content, passphrase });
    if (result.ok) await get().load();
    return result;
  },
  importSshConfig: async () => {
    const result = await bridge().call('profiles:import-ssh-config', { content: null });
    if (result.ok) await get().load();
    return result;
  },
}));

/** Whether two editors edit the same thing (a new profile, whatever its kind, or one id). */
export function sameEditor(a: Editor | undefined, b: Editor | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a.mode === 'new' || b.mode === 'new') return a.mode === b.mode;
  return a.id === b.id;
}

function upsert(profiles: ProfileView[], saved: ProfileView): ProfileView[] {
  const index = profiles.findIndex((p) => p.id === saved.id);
  if (index === -1) return [...profiles, saved];
  return profiles.map((p) => (p.id === saved.id ? saved : p));
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}

// ---------------------------------------------------------------------------------------------
// Selectors

export interface FolderGroup {
  folder: string;
  profiles: ProfileView[];
}

/** Where a profile connects, as shown in the list and searched. */
export function addressOf(profile: ProfileView): string {
  const c = profile.connection;
  if (c.kind === 'foreman' || c.kind === 'proxmox' || c.kind === 'patchmon') return c.url;
  const { host, port } = endpointOf(c);
  // `root@[::1]:22`: an IPv6 address in brackets, so its port stays apart from it.
  return `${c.kind === 'ssh' ? `${c.username}@` : ''}${hostPortText(host, port)}`;
}

/** Every word of the query must appear in the name, address, a tag or the folder. */
export function matches(profile: ProfileView, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = [profile.name, addressOf(profile), profile.folder, ...profile.tags]
    .join('\n')
    .toLowerCase();
  return words.every((word) => haystack.includes(word));
}

function byName(a: ProfileView, b: ProfileView): number {
  return compareNames(a.name, b.name);
}

export const selectors = {
  groups: (s: Pick<ProfilesState, 'profiles' | 'query'>): FolderGroup[] => {
    const byFolder = new Map<string, ProfileView[]>();
    for (const profile of s.profiles) {
      if (!matches(profile, s.query)) continue;
      byFolder.set(profile.folder, [...(byFolder.get(profile.folder) ?? []), profile]);
    }
    return [...byFolder.entries()]
      .sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : compareNames(a, b)))
      .map(([folder, profiles]) => ({ folder, profiles: profiles.sort(byName) }));
  },
  /** Profiles the keyboard moves through: those in open folders (all of them while searching). */
  visibleIds: (groups: FolderGroup[], s: Pick<ProfilesState, 'collapsed' | 'query'>): string[] =>
    groups.flatMap((group) =>
      s.query.trim() === '' && s.collapsed[group.folder] ? [] : group.profiles.map((p) => p.id),
    ),
  selected: (s: Pick<ProfilesState, 'profiles' | 'selectedId'>): ProfileView | undefined =>
    s.profiles.find((p) => p.id === s.selectedId),
  byId: (s: Pick<ProfilesState, 'profiles'>, id: string): ProfileView | undefined =>
    s.profiles.find((p) => p.id === id),
};
