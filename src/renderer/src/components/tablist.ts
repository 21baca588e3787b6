import type { KeyboardEvent } from 'react';

const steps: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1 };

/**
 * Keys of a row of tabs (`role="tablist"` whose tabs are its children), as a tab list has
 * them: Left / Right go to the previous / next tab and round, Home / End to the first / last,
 * and the tab reached is shown. The tabs are one Tab stop: the shown one has `tabIndex` 0.
 */
export function onTabListKeyDown(event: KeyboardEvent<HTMLElement>): void {
  const { key } = event;
  if (!(key in steps) && key !== 'Home' && key !== 'End') return;
  const tabs = Array.from(
    event.currentTarget.querySelectorAll<HTMLElement>(':scope > [role="tab"]'),
  );
  const at = tabs.findIndex((tab) => tab === document.activeElement);
  if (at === -1) return;
  const n = tabs.length;
  const next = key === 'Home' ? 0 : key === 'End' ? n - 1 : (at + (steps[key] ?? 0) + n) % n;
  const tab = tabs[next];
  if (tab === undefined) return;
  event.preventDefault();
  tab.focus();
  tab.click();
}
