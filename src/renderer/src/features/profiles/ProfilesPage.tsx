import { Download, FileUp, KeyRound, Plus, Search, TerminalSquare } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { matches } from '../../app/shortcuts';
import { EmptyState } from '../../components/EmptyState';
import { Kbd } from '../../components/Kbd';
import { bridge } from '../../lib/bridge';
import { isTyping } from '../../lib/typing';
import { DeleteDialog } from './DeleteDialog';
import { ExportDialog } from './ExportDialog';
import { ImportDialog } from './ImportDialog';
import { importSshConfig, newProfile, openProfilesDialog } from './profile-actions';
import { ProfileDetail } from './ProfileDetail';
import { ProfileEditor } from './ProfileEditor';
import { ProfileList } from './ProfileList';
import { selectors, useProfilesStore } from './profiles-store';

/** Connection profiles: folders, search, details and probes, create/edit, import and export. */
export function ProfilesPage() {
  const profiles = useProfilesStore((s) => s.profiles);
  const loaded = useProfilesStore((s) => s.loaded);
  const loadError = useProfilesStore((s) => s.loadError);
  const query = useProfilesStore((s) => s.query);
  const editor = useProfilesStore((s) => s.editor);
  const dialog = useProfilesStore((s) => s.dialog);
  const selected = useProfilesStore(selectors.selected);
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const groups = selectors.groups({ profiles, query });
  const editing = editor?.mode === 'edit' ? selectors.byId({ profiles }, editor.id) : undefined;
  const deleting = dialog?.type === 'delete' ? selectors.byId({ profiles }, dialog.id) : undefined;

  useEffect(() => {
    const { load } = useProfilesStore.getState();
    void load();
    // The command line changes profiles without telling this window: coming back to the window
    // reads them again.
    const onFocus = (): void => void load();
    window.addEventListener('focus', onFocus);
    const off = bridge().on('profiles:changed', () => void load());
    return () => {
      window.removeEventListener('focus', onFocus);
      off();
    };
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (!matches('profiles-search', event)) return;
      if (isTyping(event.target) || useProfilesStore.getState().dialog) return;
      event.preventDefault();
      searchRef.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, []);

  const empty = loaded && profiles.length === 0 && !loadError;

  return (
    <div className="page profiles-page" data-testid="profiles-page">
      <header className="page-header profiles-header">
        <h1>Profiles</h1>
        <div className="profiles-toolbar">
          <button
            type="button"
            className="button primary"
            data-testid="profiles-new"
            onClick={newProfile}
          >
            <Plus size={13} aria-hidden /> New profile
          </button>
          <button
            type="button"
            className="button"
            data-testid="profiles-import"
            onClick={() => {
              openProfilesDialog({ type: 'import' });
            }}
          >
            <FileUp size={13} aria-hidden /> Import…
          </button>
          <button
            type="button"
            className="button"
            data-testid="profiles-export"
            disabled={profiles.length === 0}
            onClick={() => {
              openProfilesDialog({ type: 'export' });
            }}
          >
            <Download size={13} aria-hidden /> Export…
          </button>
          <button
            type="button"
            className="button"
            data-testid="profiles-import-ssh"
            onClick={() => void importSshConfig()}
          >
            <TerminalSquare size={13} aria-hidden /> Import ~/.ssh/config
          </button>
        </div>
      </header>
      {loadError ? (
        <div className="banner error" role="alert" data-testid="profiles-load-error">
          Rackside could not read the profiles: {loadError.message}
        </div>
      ) : null}
      {empty && !editor ? (
        <EmptyState icon={KeyRound} title="No connection profiles yet" testId="empty-profiles">
          <p>
            Encrypted connection profiles for Foreman, Proxmox VE, PatchMon, RouterOS and SSH.
            Secrets stay in the local vault.
          </p>
          <p>Create one, import an export or a manifest, or bring in the hosts of ~/.ssh/config.</p>
        </EmptyState>
      ) : (
        <div className="profiles-layout">
          <aside className="profiles-sidebar">
            <label className="search-box">
              <Search size={13} aria-hidden />
              <input
                ref={searchRef}
                type="search"
                className="input"
                placeholder="Search name, host, tag, folder"
                aria-label="Search profiles"
                data-testid="profiles-search"
                value={query}
                onChange={(event) => {
                  useProfilesStore.getState().setQuery(event.target.value);
                }}
                onKeyDown={(event) => {
                  if (event.key === 'ArrowDown') {
                    event.preventDefault();
                    const first = selectors.visibleIds(groups, useProfilesStore.getState())[0];
                    if (useProfilesStore.getState().selectedId === undefined && first !== undefined)
                      useProfilesStore.getState().select(first);
                    listRef.current?.focus();
                  } else if (event.key === 'Escape' && query !== '') {
                    event.preventDefault();
                    useProfilesStore.getState().setQuery('');
                  }
                }}
              />
              <Kbd keys={['/']} />
            </label>
            <ProfileList groups={groups} ref={listRef} />
          </aside>
          <section className="profiles-main">
            {editor && (editor.mode === 'new' || editing) ? (
              <ProfileEditor
                key={editor.mode === 'edit' ? editor.id : `new-${editor.kind}`}
                editor={editor}
                profile={editing}
                returnFocusTo={listRef}
              />
            ) : selected ? (
              <ProfileDetail profile={selected} />
            ) : (
              <p className="muted profiles-hint">
                Select a profile to see its details and probe it. ↑/↓ move, ←/→ fold a folder, Enter
                edits, Delete removes.
              </p>
            )}
          </section>
        </div>
      )}
      {deleting ? <DeleteDialog profile={deleting} /> : null}
      {dialog?.type === 'import' ? <ImportDialog /> : null}
      {dialog?.type === 'export' ? <ExportDialog /> : null}
    </div>
  );
}
