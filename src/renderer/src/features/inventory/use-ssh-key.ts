import { useEffect, type RefObject } from 'react';
import { matches } from '../../app/shortcuts';
import { useInventoryStore } from './inventory-store';

/**
 * `s` on the inventory's focused row opens SSH to that asset as its detail's SSH button does
 * (the detail opens beside the table to do it, and asks whom to log in as where it would).
 */
export function useSshKey(grid: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (!matches('inventory-ssh', event) || event.target !== grid.current) return;
      const store = useInventoryStore.getState();
      const row = store.cache?.row(store.focused);
      if (row === undefined) return;
      event.preventDefault();
      store.openSsh(row.id);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [grid]);
}
