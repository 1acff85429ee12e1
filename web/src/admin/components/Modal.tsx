// Dialogs on the native <dialog> element: the browser traps focus, Escape closes, and focus returns to
// where it was. `useConfirm` gives a promise-returning confirmation dialog.

import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';

export interface ModalProps {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  /** Buttons at the bottom. */
  footer?: ComponentChildren;
  wide?: boolean;
}

export function Modal({ title, onClose, children, footer, wide }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const headingId = useId();
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    dialog.showModal();
    const onCancel = (event: Event) => {
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
  return (
    <dialog
      ref={ref}
      class={`modal${wide ? ' modal-wide' : ''}`}
      aria-labelledby={headingId}
      onClick={(event) => {
        if (event.target === ref.current) closeRef.current();
      }}
    >
      <div class="modal-body">
        <div class="modal-head">
          <h2 id={headingId}>{title}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={() => closeRef.current()}>
            ×
          </button>
        </div>
        <div class="modal-content">{children}</div>
        {footer && <div class="modal-footer">{footer}</div>}
      </div>
    </dialog>
  );
}

interface ConfirmRequest {
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  resolve: (answer: boolean) => void;
}

/** `const [confirm, dialog] = useConfirm()`; render `dialog`, then `if (await confirm({...}))`. */
export function useConfirm(): [
  (request: Omit<ConfirmRequest, 'resolve'>) => Promise<boolean>,
  ComponentChildren,
] {
  const [request, setRequest] = useState<ConfirmRequest | null>(null);
  const confirm = useCallback(
    (options: Omit<ConfirmRequest, 'resolve'>) =>
      new Promise<boolean>((resolve) => setRequest({ ...options, resolve })),
    [],
  );
  const answer = (value: boolean) => {
    request?.resolve(value);
    setRequest(null);
  };
  const dialog = request ? (
    <Modal
      title={request.title}
      onClose={() => answer(false)}
      footer={
        <>
          <button type="button" class="button" onClick={() => answer(false)}>
            Cancel
          </button>
          <button
            type="button"
            class={`button ${request.danger ? 'danger' : 'primary'}`}
            onClick={() => answer(true)}
            autoFocus
          >
            {request.confirmLabel}
          </button>
        </>
      }
    >
      <div class="confirm-message">{request.message}</div>
    </Modal>
  ) : null;
  return [confirm, dialog];
}
