import { useEffect } from 'react';
import { bridge } from '../lib/bridge';

/** At most one report per this long: the idle lock counts in minutes. */
const reportEveryMs = 15_000;

/**
 * Tells the core that someone is at the window — keys, clicks, scrolling — so that the idle lock
 * starts again. Nothing else postpones it: the page's own calls go on while nobody is there.
 */
export function useActivityReport(): void {
  useEffect(() => {
    let last = -Infinity;
    const onInput = (): void => {
      const now = performance.now();
      if (now - last < reportEveryMs) return;
      last = now;
      void bridge().call('vault:active', {});
    };
    const events = ['keydown', 'pointerdown', 'wheel'] as const;
    for (const type of events)
      window.addEventListener(type, onInput, { capture: true, passive: true });
    return () => {
      for (const type of events) window.removeEventListener(type, onInput, { capture: true });
    };
  }, []);
}
