import { Modal } from '../features/profiles/Modal';
import {
  keysTakenByBrowser,
  shortcutKeys,
  shortcuts,
  type Shortcut,
  type ShortcutArea,
} from '../app/shortcuts';
import { runsInBrowser } from '../lib/bridge';
import { useNavStore } from '../stores/nav-store';
import { Kbd } from './Kbd';

function byArea(): [ShortcutArea, Shortcut[]][] {
  const areas = new Map<ShortcutArea, Shortcut[]>();
  for (const shortcut of shortcuts as readonly Shortcut[]) {
    areas.set(shortcut.area, [...(areas.get(shortcut.area) ?? []), shortcut]);
  }
  return [...areas.entries()];
}

/** The keyboard shortcuts list (`?`, or the palette), drawn from the table the keys obey. */
export function ShortcutsDialog() {
  const open = useNavStore((s) => s.shortcutsOpen);
  if (!open) return null;
  return (
    <Modal
      title="Keyboard shortcuts"
      testId="shortcuts"
      onClose={() => {
        useNavStore.getState().setShortcutsOpen(false);
      }}
    >
      {runsInBrowser() ? (
        <p className="muted" data-testid="shortcuts-browser-note">
          In a browser, {keysTakenByBrowser().join(', ')} are the browser’s own: the Alt keys below
          do the same on the Terminals page.
        </p>
      ) : null}
      {/* Focusable, so that the keys can scroll a list taller than the window. */}
      <div className="shortcuts-list" tabIndex={0} aria-label="Shortcuts">
        {byArea().map(([area, list]) => (
          <section key={area} aria-label={area}>
            <h3>{area}</h3>
            <dl>
              {list.map((shortcut) => (
                <div
                  key={shortcut.id}
                  className="shortcut-row"
                  data-testid={`shortcut-${shortcut.id}`}
                >
                  <dt>{shortcut.does}</dt>
                  <dd>
                    {shortcutKeys(shortcut).map((keys) => (
                      <Kbd key={keys} keys={[keys]} />
                    ))}
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
      <div className="modal-actions">
        <button
          type="button"
          className="button"
          onClick={() => {
            useNavStore.getState().setShortcutsOpen(false);
          }}
        >
          Close
        </button>
      </div>
    </Modal>
  );
}
