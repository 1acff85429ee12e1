// Shared behaviour of the chat's small popovers (emoji picker, moderator menu): focus the first item
// when opened, close on a pointer press outside, close on Escape and give focus back to the button.
import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';

export interface PopoverOptions {
  open: boolean;
  close: () => void;
  root: RefObject<HTMLElement | null>;
  button: RefObject<HTMLButtonElement | null>;
  /** Selector of the item focused when the popover opens. */
  firstItem: string;
  /** Keep the Escape from reaching other handlers (the emoji picker sits inside the message box). */
  swallowEscape?: boolean;
}

export function usePopoverDismissal(options: PopoverOptions): void {
  const { open, close, root, button, firstItem, swallowEscape } = options;
  useEffect(() => {
    if (!open) return undefined;
    root.current?.querySelector<HTMLElement>(firstItem)?.focus();
    const onPointer = (event: Event): void => {
      if (!root.current?.contains(event.target as Node)) close();
    };
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') {
        if (swallowEscape) event.stopPropagation();
        close();
        button.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
}
