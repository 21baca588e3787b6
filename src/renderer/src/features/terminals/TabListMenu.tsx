import { ChevronDown } from 'lucide-react';
import { useEffect, useState, type RefObject } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { MenuButton, MenuRadioGroup, MenuRadioItem } from '../../components/MenuButton';
import { activate, sessionFor } from './terminal-actions';
import { selectors, useTerminalsStore, type TerminalTab } from './terminals-store';

/**
 * Whether a tab strip's tabs outgrow it, so some are scrolled out of sight. Measured again when
 * the strip or any tab changes size (a window resized, a tab renamed, opened or closed).
 */
export function useOverflowing(strip: RefObject<HTMLElement | null>, tabCount: number): boolean {
  const [overflowing, setOverflowing] = useState(false);
  useEffect(() => {
    const node = strip.current;
    if (node === null || typeof ResizeObserver === 'undefined') return;
    const measure = (): void => {
      setOverflowing(node.scrollWidth > node.clientWidth + 1);
    };
    const observer = new ResizeObserver(measure);
    observer.observe(node);
    for (const child of Array.from(node.children)) observer.observe(child);
    measure();
    return () => {
      observer.disconnect();
    };
  }, [strip, tabCount]);
  return overflowing;
}

/**
 * Every tab of a pane in one list, for a strip too narrow to show them all: choosing one shows
 * it and puts the keyboard in its terminal.
 */
export function TabListMenu(props: { pane: 0 | 1; tabs: TerminalTab[]; activeKey: string | null }) {
  const { pane, tabs, activeKey } = props;
  const labels = useTerminalsStore(
    useShallow((s) => tabs.map((tab) => selectors.shownLabel(s, tab))),
  );
  const [chosen, setChosen] = useState<string | null>(null);
  return (
    <MenuButton
      testId="term-tab-list-menu"
      onOpenChange={(open) => {
        if (open) setChosen(null);
      }}
      focusOnClose={() => {
        // Into the terminal of the tab chosen; else back to the button, as menus do.
        if (chosen === null) return false;
        sessionFor(chosen)?.focus();
        return true;
      }}
      trigger={
        <button
          type="button"
          className="icon-button term-tab-list"
          title="All tabs of this pane"
          aria-label={`All tabs of this pane (${String(tabs.length)})`}
          data-testid={`term-tab-list-${String(pane)}`}
        >
          <ChevronDown size={14} aria-hidden />
          <span>{tabs.length}</span>
        </button>
      }
    >
      <MenuRadioGroup
        value={activeKey ?? ''}
        onValueChange={(key) => {
          setChosen(key);
          activate(key);
        }}
      >
        {tabs.map((tab, i) => (
          <MenuRadioItem
            key={tab.key}
            value={tab.key}
            current="current"
            data-testid="term-tab-list-item"
          >
            <span className={`term-dot term-dot-${tab.status.state}`} aria-hidden />
            <span className="menu-item-label">{labels[i]}</span>
          </MenuRadioItem>
        ))}
      </MenuRadioGroup>
    </MenuButton>
  );
}
