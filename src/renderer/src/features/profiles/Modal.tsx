import * as Dialog from '@radix-ui/react-dialog';
import { useState, type ReactNode } from 'react';

/**
 * A Radix dialog in Rackside's look: focus trapped, Escape closes, title and description wired.
 * Closing gives the keyboard back to what had it when the dialog opened (the button that opened
 * it, a terminal): Radix returns it only to a `Dialog.Trigger`, which these dialogs, shown by
 * their owners' state, have none of — the focus would end on the page body.
 */
export function Modal(props: {
  title: string;
  description?: ReactNode;
  testId: string;
  role?: 'dialog' | 'alertdialog';
  onClose: () => void;
  children: ReactNode;
}) {
  // Read while the dialog first renders, before its focus scope moves the focus inside.
  const [opener] = useState(() =>
    document.activeElement instanceof HTMLElement && document.activeElement !== document.body
      ? document.activeElement
      : null,
  );
  return (
    <Dialog.Root
      open
      onOpenChange={(open) => {
        if (!open) props.onClose();
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className="modal-overlay" />
        <Dialog.Content
          className="modal"
          onCloseAutoFocus={(event) => {
            event.preventDefault();
            if (opener?.isConnected === true) opener.focus();
          }}
          data-testid={props.testId}
          role={props.role ?? 'dialog'}
          aria-describedby={
            props.description === undefined ? undefined : `${props.testId}-description`
          }
        >
          <Dialog.Title className="modal-title">{props.title}</Dialog.Title>
          {props.description !== undefined ? (
            <Dialog.Description className="modal-description" id={`${props.testId}-description`}>
              {props.description}
            </Dialog.Description>
          ) : null}
          {props.children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
