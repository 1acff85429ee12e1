// Keyboard shortcuts for the player. Ignored while the viewer types somewhere.

export interface ShortcutActions {
  toggleMute(): void;
  toggleFullscreen(): void;
  togglePlay(): void;
  changeVolume(delta: number): void;
  /** L: back to the live edge. */
  jumpToLive?(): void;
}

const NOT_TYPED = new Set(['range', 'checkbox', 'radio', 'button', 'submit', 'reset', 'color']);

/** Keys typed into a field (the chat box, the name field…) are never shortcuts; a slider is no field. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLInputElement) return !NOT_TYPED.has(target.type);
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

function isActivatable(target: EventTarget | null): boolean {
  return target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement;
}

/** Returns true when the key was handled (the caller then prevents the default action). */
export function handleShortcut(event: KeyboardEvent, actions: ShortcutActions): boolean {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return false;
  if (isTypingTarget(event.target)) return false;
  switch (event.key) {
    case 'm':
    case 'M':
      actions.toggleMute();
      return true;
    case 'f':
    case 'F':
      actions.toggleFullscreen();
      return true;
    case ' ':
      // Space on a focused button or link activates it; leave that alone.
      if (isActivatable(event.target)) return false;
      actions.togglePlay();
      return true;
    case 'p':
    case 'P':
    case 'MediaPlayPause':
      actions.togglePlay();
      return true;
    case '9':
      actions.changeVolume(-0.1);
      return true;
    case '0':
      actions.changeVolume(0.1);
      return true;
    case 'l':
    case 'L':
      if (!actions.jumpToLive) return false;
      actions.jumpToLive();
      return true;
    default:
      return false;
  }
}
