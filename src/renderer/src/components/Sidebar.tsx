import { Lock, Search } from 'lucide-react';
import { lockVault } from '../app/commands';
import { sections } from '../app/sections';
import { useNavStore } from '../stores/nav-store';
import { Kbd, modKey } from './Kbd';

export function Sidebar() {
  const current = useNavStore((s) => s.section);
  const go = useNavStore((s) => s.go);
  const openPalette = useNavStore((s) => s.setPaletteOpen);
  return (
    <nav className="sidebar" aria-label="Sections">
      <div className="brand">
        <span className="brand-mark" aria-hidden>
          ▚
        </span>
        <span className="brand-name">Rackside</span>
      </div>
      <button
        type="button"
        className="palette-trigger"
        data-testid="palette-trigger"
        onClick={() => {
          openPalette(true);
        }}
      >
        <Search size={14} aria-hidden />
        <span>Go to…</span>
        <Kbd keys={[modKey, 'K']} />
      </button>
      <ul>
        {sections.map((section) => {
          const Icon = section.icon;
          const active = section.id === current;
          return (
            <li key={section.id}>
              <button
                type="button"
                className={active ? 'nav-item active' : 'nav-item'}
                aria-current={active ? 'page' : undefined}
                data-testid={`nav-${section.id}`}
                title={`${section.label} (${modKey}+${section.key})`}
                onClick={() => {
                  go(section.id);
                }}
              >
                <Icon size={16} aria-hidden />
                <span>{section.label}</span>
              </button>
            </li>
          );
        })}
      </ul>
      <div className="sidebar-footer">
        <button
          type="button"
          className="nav-item"
          data-testid="lock-vault"
          title={`Lock the vault (${modKey}+L)`}
          onClick={() => void lockVault()}
        >
          <Lock size={16} aria-hidden />
          <span>Lock</span>
        </button>
      </div>
    </nav>
  );
}
