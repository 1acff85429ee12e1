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
