import { ChevronDown, ChevronRight, Folder } from 'lucide-react';
import { useEffect, useRef, type KeyboardEvent, type Ref } from 'react';
import { isInsecure } from '../../../../shared/profiles';
import { kindLabels } from './profile-form-model';
import { InsecureBadge, KindIcon, TagList } from './ProfileBadges';
import { addressOf, selectors, useProfilesStore, type FolderGroup } from './profiles-store';

const optionId = (id: string): string => `profile-option-${id}`;

/**
 * The profiles grouped by folder. One focusable listbox: ↑/↓ move the selection through open
 * folders, ←/→ fold and unfold the selected profile's folder, Enter edits, Delete asks to delete.
 */
export function ProfileList({ groups, ref }: { groups: FolderGroup[]; ref: Ref<HTMLDivElement> }) {
  const query = useProfilesStore((s) => s.query);
  const collapsed = useProfilesStore((s) => s.collapsed);
  const selectedId = useProfilesStore((s) => s.selectedId);
  const { select, toggleFolder, openEditor, openDialog } = useProfilesStore.getState();
  const visible = selectors.visibleIds(groups, { collapsed, query });
  const searching = query.trim() !== '';
  const scrolled = useRef<string | undefined>(undefined);

  useEffect(() => {
    if (selectedId === undefined || scrolled.current === selectedId) return;
    scrolled.current = selectedId;
    const row = document.getElementById(optionId(selectedId));
    // jsdom has no scrollIntoView; browsers do.
    if (row && 'scrollIntoView' in row) row.scrollIntoView({ block: 'nearest' });
  }, [selectedId]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const index = selectedId === undefined ? -1 : visible.indexOf(selectedId);
    // The selected profile in a folded folder: ↑/↓ go on from where it is in the whole list.
    const all = groups.flatMap((group) => group.profiles.map((p) => p.id));
    const at = selectedId === undefined ? -1 : all.indexOf(selectedId);
    const hidden = index === -1 && at !== -1;
    const visibleBefore = all.slice(0, at).filter((id) => visible.includes(id)).length;
    const moveTo = (next: number): void => {
      event.preventDefault();
      const id = visible[Math.max(0, Math.min(visible.length - 1, next))];
      if (id !== undefined) select(id);
    };
    const folderOfSelected = groups.find((group) =>
      group.profiles.some((p) => p.id === selectedId),
    )?.folder;
    const fold = (open: boolean): void => {
      if (folderOfSelected === undefined || searching) return;
      event.preventDefault();
      if (!collapsed[folderOfSelected] !== open) toggleFolder(folderOfSelected);
    };
    switch (event.key) {
      case 'ArrowDown':
        moveTo(hidden ? visibleBefore : index + 1);
        break;
      case 'ArrowUp':
        moveTo(hidden ? visibleBefore - 1 : index === -1 ? 0 : index - 1);
        break;
      case 'ArrowLeft':
        fold(false);
        break;
      case 'ArrowRight':
        fold(true);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(visible.length - 1);
        break;
      case 'Enter':
        if (selectedId !== undefined) {
          event.preventDefault();
          openEditor({ mode: 'edit', id: selectedId });
        }
        break;
      case 'Delete':
        if (selectedId !== undefined) {
          event.preventDefault();
          openDialog({ type: 'delete', id: selectedId });
        }
        break;
    }
  };

  if (groups.length === 0) {
    return (
      <p className="muted profile-list-empty" data-testid="profiles-no-match">
        No profile matches “{query}”.
      </p>
    );
  }

  return (
    <div
      ref={ref}
      className="profile-list"
      role="listbox"
      aria-label="Connection profiles"
      tabIndex={0}
      aria-activedescendant={
        selectedId === undefined || !visible.includes(selectedId) ? undefined : optionId(selectedId)
      }
      data-testid="profile-list"
      onKeyDown={onKeyDown}
    >
      {groups.map((group) => {
        const open = searching || !collapsed[group.folder];
        const label = group.folder === '' ? 'No folder' : group.folder;
        return (
          <div key={group.folder} role="group" aria-label={label} data-testid="profile-folder">
            <button
              type="button"
              className="folder-header"
              tabIndex={-1}
              aria-expanded={open}
              data-testid={`folder-toggle-${group.folder || 'none'}`}
              onClick={() => {
                toggleFolder(group.folder);
              }}
            >
              {open ? (
                <ChevronDown size={13} aria-hidden />
              ) : (
                <ChevronRight size={13} aria-hidden />
              )}
              <Folder size={13} aria-hidden />
              <span className="folder-label" title={label}>
                {label}
              </span>
              <span className="folder-count">{group.profiles.length}</span>
            </button>
            {open
              ? group.profiles.map((profile) => (
                  <div
                    key={profile.id}
                    id={optionId(profile.id)}
                    role="option"
                    aria-selected={profile.id === selectedId}
                    className="profile-row"
                    data-testid="profile-row"
                    data-name={profile.name}
                    data-kind={profile.connection.kind}
                    onClick={(event) => {
                      select(profile.id);
                      event.currentTarget.closest<HTMLElement>('[role="listbox"]')?.focus();
                    }}
                    onDoubleClick={() => {
                      openEditor({ mode: 'edit', id: profile.id });
                    }}
                  >
                    <KindIcon kind={profile.connection.kind} />
                    <span className="profile-row-main">
                      <span className="profile-row-name" title={profile.name}>
                        {profile.name}
                      </span>
                      <span className="profile-row-address" title={addressOf(profile)}>
                        {addressOf(profile)}
                      </span>
                    </span>
                    <span className="profile-row-meta">
                      <span className="kind-label" data-testid="profile-kind">
                        {kindLabels[profile.connection.kind]}
                      </span>
                      {isInsecure(profile.connection) ? <InsecureBadge /> : null}
                      <TagList tags={profile.tags} />
                    </span>
                  </div>
                ))
              : null}
          </div>
        );
      })}
    </div>
  );
}
