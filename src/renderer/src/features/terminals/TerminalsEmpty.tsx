import { Columns2, SquareTerminal } from 'lucide-react';
import { useEffect } from 'react';
import { endpointOf, type ProfileView } from '../../../../shared/profiles';
import { Kbd, modKey } from '../../components/Kbd';
import { compareNames } from '../../../../shared/name-sort';
import { useProfilesStore } from '../profiles/profiles-store';
import { formatAddress } from './quick-connect';
import { openTerminalFor } from './terminal-actions';
import { useTerminalsStore } from './terminals-store';

/** How many SSH profiles the empty Terminals page offers; the palette finds the rest. */
const shownProfiles = 24;

function byFolderThenName(a: ProfileView, b: ProfileView): number {
  return compareNames(a.folder, b.folder) || compareNames(a.name, b.name);
}

/**
 * No tab open, or none in one pane of a split: the SSH profiles to start from, one click each.
 * In a pane, what is started there opens there; `dropping` while a tab of the other pane is held
 * over it.
 */
export function TerminalsEmpty(props: { pane?: 0 | 1; dropping?: boolean }) {
  const { pane, dropping = false } = props;
  const profiles = useProfilesStore((s) => s.profiles);
  const loaded = useProfilesStore((s) => s.loaded);
  useEffect(() => {
    if (!loaded) void useProfilesStore.getState().load();
  }, [loaded]);
  const ssh = profiles.filter((p) => p.connection.kind === 'ssh').sort(byFolderThenName);

  return (
    <div
      className={pane === undefined ? 'empty term-empty' : 'empty term-empty term-pane-empty'}
      data-testid={pane === undefined ? 'terminals-empty' : `term-pane-empty-${String(pane)}`}
    >
      <p>{pane === undefined ? 'No terminals open.' : 'No terminals in this pane.'}</p>
      {pane === undefined ? null : dropping ? (
        <p data-testid="term-pane-drop-hint">Drop the tab to move it to this pane.</p>
      ) : (
        <p className="muted">
          Start one here, or move a tab here: drag it, or use the{' '}
          <Columns2 size={12} aria-label="other pane" /> button on it.
        </p>
      )}
      {ssh.length === 0 ? (
        <p className="muted">
          Type user@host:port above, or use Connect on an SSH profile or an inventory asset.
        </p>
      ) : (
        <>
          <p className="muted">
            Connect with an SSH profile, type user@host:port above, or find any profile or asset
            with <Kbd keys={[modKey, 'K']} />.
          </p>
          <ul className="term-start" aria-label="SSH profiles">
            {ssh.slice(0, shownProfiles).map((profile) => {
              const { host, port } = endpointOf(profile.connection);
              const user = profile.connection.kind === 'ssh' ? profile.connection.username : '';
              return (
                <li key={profile.id}>
                  <button
                    type="button"
                    className="term-start-item"
                    data-testid="terminals-start-profile"
                    onClick={() => {
                      // New terminals open in the pane last used: this one.
                      if (pane !== undefined) useTerminalsStore.setState({ focusedPane: pane });
                      void openTerminalFor({ profileId: profile.id, label: profile.name });
                    }}
                  >
                    <SquareTerminal size={14} aria-hidden />
                    <span className="term-start-text">
                      <span className="term-start-name" title={profile.name}>
                        {profile.name}
                      </span>
                      <span className="term-start-address">{formatAddress(user, host, port)}</span>
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
          {ssh.length > shownProfiles ? (
            <p className="muted">
              {ssh.length - shownProfiles} more: find them with <Kbd keys={[modKey, 'K']} />.
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}
