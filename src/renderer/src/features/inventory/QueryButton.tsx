import type { ReactNode } from 'react';
import { useNavStore } from '../../stores/nav-store';
import { useInventoryStore } from './inventory-store';

/**
 * A button that applies an inventory search; with `openInventory` it also goes to the
 * inventory (from a section elsewhere in the app).
 */
export function QueryButton(props: {
  query: string;
  className: string;
  openInventory?: boolean;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className={props.className}
      data-testid={props.testId}
      data-query={props.query}
      onClick={() => {
        useInventoryStore.getState().applyQuery(props.query);
        if (props.openInventory === true) useNavStore.getState().go('inventory');
      }}
    >
      {props.children}
    </button>
  );
}
