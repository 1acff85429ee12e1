// A modal dialog on the browser's own <dialog> (showModal): it sits in the top layer above everything
// (also when opened from inside the chat column), the rest of the page is inert while it is open, Escape
// and a click on the backdrop close it, and focus goes back to whatever opened it.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export interface ModalProps {
  id: string;
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  /** `frame`: a tall dialog for an embedded page (external actions); `form`: sized to its content. */
  size?: 'frame' | 'form';
}

export function Modal({ id, title, onClose, children, size = 'frame' }: ModalProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return undefined;
    const opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>('[autofocus], input')?.focus();
    const onCancel = (event: Event): void => {
      event.preventDefault();
      closeRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      opener?.focus?.();
    };
  }, []);

  const titleId = `${id}-title`;
  return (
    <dialog
      ref={dialogRef}
      id={id}
      class={`modal modal-${size}`}
      aria-labelledby={titleId}
      onClick={(event) => {
        // A click on the backdrop lands on the dialog element itself, outside its box.
        const box = dialogRef.current?.getBoundingClientRect();
        const { clientX: x, clientY: y } = event as MouseEvent;
        if (event.target === dialogRef.current && box && (x < box.left || x > box.right || y < box.top || y > box.bottom)) {
          closeRef.current();
        }
      }}
    >
      <div class="modal-header">
        <h2 class="modal-title" id={titleId}>
          {title}
        </h2>
        <button type="button" class="modal-close" aria-label="Close" onClick={() => closeRef.current()}>
          ×
        </button>
      </div>
      {children}
    </dialog>
  );
}
