/**
 * A modal dialog on the platform's <dialog>: showModal() traps focus, makes the page behind it inert and closes on
 * Escape; focus returns to whatever opened it. `variant="drawer"` slides it in from the right for detail panels.
 */
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useDialogStackActions } from './dialog-stack-store.ts';

interface DialogProps {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  variant?: 'dialog' | 'wide' | 'drawer';
  /** An accessible name when the title is not plain text. */
  label?: string;
}

export function Dialog({ title, onClose, children, variant = 'dialog', label }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  const { dialogShown, dialogHidden } = useDialogStackActions();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    dialogShown(dialog);
    const onCancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      dialogHidden(dialog);
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, [dialogShown, dialogHidden]);

  return (
    <dialog ref={ref} className={`dialog dialog-${variant}`} aria-labelledby={label ? undefined : titleId} aria-label={label}>
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="button-quiet" onClick={onClose} aria-label="Close">
          ×
        </button>
      </header>
      <div className="dialog-body">{children}</div>
    </dialog>
  );
}
