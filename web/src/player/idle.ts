// The control bar fades out while the video plays and nobody touches the player; any pointer movement,
// tap, key or focus inside brings it back.
import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export const CONTROLS_HIDE_AFTER_MS = 3_000;

/** True while the controls may hide: `active` (playing, no menu open) and no input for a while. */
export function useIdle(root: RefObject<HTMLElement | null>, active: boolean, delayMs = CONTROLS_HIDE_AFTER_MS): boolean {
  const [idle, setIdle] = useState(false);
  useEffect(() => {
    const element = root.current;
    if (!active || !element) {
      setIdle(false);
      return undefined;
    }
    let timer: number | undefined;
    const wake = (): void => {
      setIdle(false);
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        // Keyboard users keep the controls while their focus is on one of them.
        const focusInside = element.contains(document.activeElement) && document.activeElement !== element;
        if (!focusInside || !element.matches(':focus-within')) setIdle(true);
      }, delayMs);
    };
    const sleepNow = (): void => {
      window.clearTimeout(timer);
      setIdle(true);
    };
    wake();
    const events = ['pointermove', 'pointerdown', 'keydown', 'focusin', 'wheel'] as const;
    for (const name of events) element.addEventListener(name, wake);
    element.addEventListener('pointerleave', sleepNow);
    return () => {
      window.clearTimeout(timer);
      for (const name of events) element.removeEventListener(name, wake);
      element.removeEventListener('pointerleave', sleepNow);
    };
  }, [root, active, delayMs]);
  return idle;
}
