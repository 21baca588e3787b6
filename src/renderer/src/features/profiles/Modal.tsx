import * as Dialog from '@radix-ui/react-dialog';
import type { ReactNode } from 'react';

/** A Radix dialog in Rackside's look: focus trapped, Escape closes, title and description wired. */
export function Modal(props: {
  title: string;
  description?: ReactNode;
  testId: string;
  role?: 'dialog' | 'alertdialog';
  onClose: () => void;
  children: ReactNode;
}) {
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
