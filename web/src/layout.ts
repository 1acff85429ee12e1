// Window-shape facts the root state classes are made of (custom CSS keys off these classes).
import { useEffect, useState } from 'preact/hooks';

/** At or below this window width the page stacks into one column (video pinned on top). */
export const SINGLE_COLUMN_MAX_WIDTH = 780;
/** Landscape phones: this short or shorter keeps two columns with a shorter video. */
export const SHORT_WIDE_MAX_HEIGHT = 500;

export interface Layout {
  singleColumn: boolean;
  shortWide: boolean;
  touchScreen: boolean;
}

export function measureLayout(width: number, height: number, touchScreen: boolean): Layout {
  const shortWide = height <= SHORT_WIDE_MAX_HEIGHT && width > height;
  return { singleColumn: width <= SINGLE_COLUMN_MAX_WIDTH && !shortWide, shortWide, touchScreen };
}

function hasTouchScreen(): boolean {
  return (
    'ontouchstart' in window ||
    navigator.maxTouchPoints > 0 ||
    (typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches)
  );
}

export function useLayout(): Layout {
  const measure = (): Layout => measureLayout(window.innerWidth, window.innerHeight, hasTouchScreen());
  const [layout, setLayout] = useState<Layout>(measure);
  useEffect(() => {
    let frame = 0;
    const update = (): void => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const next = measure();
        setLayout((prev) =>
          prev.singleColumn === next.singleColumn && prev.shortWide === next.shortWide && prev.touchScreen === next.touchScreen
            ? prev
            : next,
        );
      });
    };
    window.addEventListener('resize', update);
    window.addEventListener('orientationchange', update);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('resize', update);
      window.removeEventListener('orientationchange', update);
    };
  }, []);
  return layout;
}

/** The on-screen keyboard counts as up when it takes at least this much of the window's height. */
const KEYBOARD_MIN_PX = 150;

/**
 * Whether a touch screen's on-screen keyboard is up (root class `touch-keyboard-active`), and how much of
 * the layout viewport it covers, as `--keyboard-inset` on <html>. With `interactive-widget=resizes-content`
 * (Chrome on Android) the layout viewport shrinks and the inset stays 0; Safari on iOS only shrinks the
 * visual viewport, so the chat column lifts itself by the inset to keep the message box above the keys.
 */
export function useKeyboardInset(touchScreen: boolean): boolean {
  const [up, setUp] = useState(false);
  useEffect(() => {
    const viewport = window.visualViewport;
    if (!touchScreen || !viewport) return undefined;
    const baseline = { height: window.innerHeight };
    const update = (): void => {
      const typing = document.activeElement instanceof HTMLTextAreaElement || document.activeElement instanceof HTMLInputElement;
      const inset = Math.max(0, window.innerHeight - viewport.height - viewport.offsetTop);
      if (!typing) baseline.height = window.innerHeight;
      const shrunk = baseline.height - viewport.height;
      document.documentElement.style.setProperty('--keyboard-inset', `${Math.round(inset)}px`);
      setUp(typing && shrunk >= KEYBOARD_MIN_PX);
    };
    update();
    viewport.addEventListener('resize', update);
    viewport.addEventListener('scroll', update);
    document.addEventListener('focusin', update);
    document.addEventListener('focusout', update);
    return () => {
      viewport.removeEventListener('resize', update);
      viewport.removeEventListener('scroll', update);
      document.removeEventListener('focusin', update);
      document.removeEventListener('focusout', update);
      document.documentElement.style.removeProperty('--keyboard-inset');
    };
  }, [touchScreen]);
  return up;
}
