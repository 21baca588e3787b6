import type { KeyboardEvent } from 'react';

const steps: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1 };

/**
 * Keys of a row of tabs (`role="tablist"` whose tabs are its children), as a tab list has
 * them: Left / Right go to the previous / next tab and round, Home / End to the first / last,
 * and the tab reached is shown. The tabs are one Tab stop: the shown one has `tabIndex` 0.
 */
export function onTabListKeyDown(event: KeyboardEvent<HTMLElement>): void {
  const tabs = Array.from(
    event.currentTarget.querySelectorAll<HTMLElement>(':scope > [role="tab"]'),
  );
  const tab = stepAlong(event, tabs);
  if (tab === undefined) return;
  tab.focus();
  tab.click();
}

/**
 * The element Left / Right (round), Home or End leads to from the focused one of `elements`, the
 * key's default action prevented; undefined for any other key, or when none of them has the focus.
 */
export function stepAlong(
  event: KeyboardEvent<HTMLElement>,
  elements: readonly HTMLElement[],
): HTMLElement | undefined {
  const { key } = event;
  if (!(key in steps) && key !== 'Home' && key !== 'End') return undefined;
  const at = elements.findIndex((element) => element === document.activeElement);
  if (at === -1) return undefined;
  const n = elements.length;
  const next = key === 'Home' ? 0 : key === 'End' ? n - 1 : (at + (steps[key] ?? 0) + n) % n;
  const element = elements[next];
  if (element !== undefined) event.preventDefault();
  return element;
}
