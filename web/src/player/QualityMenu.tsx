// The quality menu of the control bar: "Auto" and the server's variant names (/api/video/variants),
// the current choice marked, and in Auto the rendition playing now named on the button.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Variant } from '../api';
import { GearIcon } from './icons';
import type { QualityChoice } from './quality';

export interface QualityMenuProps {
  variants: Variant[];
  choices: QualityChoice[];
  /** The variant the viewer picked, -1 for Auto. */
  selected: number;
  /** The hls.js level playing now (-1 unknown). */
  playingLevel: number;
  onSelect: (variantIndex: number) => void;
  /** Open/closed, so the control bar stays up while the menu is open. */
  onOpenChange?: (open: boolean) => void;
}

export function QualityMenu({ variants, choices, selected, playingLevel, onSelect, onOpenChange }: QualityMenuProps) {
  const [open, setOpenState] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const setOpen = (value: boolean): void => {
    setOpenState(value);
    onOpenChange?.(value);
  };

  const playing = choices.find((c) => c.level === playingLevel)?.name;
  const current = selected === -1 ? `Auto${playing ? ` (${playing})` : ''}` : variants.find((v) => v.index === selected)?.name ?? 'Auto';

  useEffect(() => {
    if (!open) return undefined;
    rootRef.current?.querySelector<HTMLElement>('[aria-checked="true"]')?.focus();
    const onPointer = (event: Event): void => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const pick = (index: number): void => {
    setOpen(false);
    onSelect(index);
    buttonRef.current?.focus();
  };

  const onMenuKey = (event: KeyboardEvent): void => {
    const items = Array.from(rootRef.current?.querySelectorAll<HTMLButtonElement>('[role="menuitemradio"]:not([disabled])') ?? []);
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      buttonRef.current?.focus();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = (at + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      items[next]?.focus();
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      items[event.key === 'Home' ? 0 : items.length - 1]?.focus();
    } else if (event.key === 'Tab') {
      setOpen(false);
    }
  };

  const item = (index: number, label: string, available: boolean) => (
    <button
      key={index}
      type="button"
      role="menuitemradio"
      class="quality-option"
      aria-checked={selected === index}
      disabled={!available}
      onClick={() => pick(index)}
    >
      <span class="quality-check" aria-hidden="true">
        {selected === index ? '✓' : ''}
      </span>
      {label}
    </button>
  );

  return (
    <div class="quality-menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        id="quality-selector"
        class="player-button vjs-quality-selector quality-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`Video quality: ${current}`}
        title="Video quality"
        onClick={() => setOpen(!open)}
      >
        <GearIcon />
        <span class="quality-current">{current}</span>
      </button>
      {open && (
        <div class="quality-options" role="menu" aria-label="Video quality" onKeyDown={onMenuKey}>
          {item(-1, 'Auto', true)}
          {variants.map((v) => item(v.index, v.name, choices.some((c) => c.variantIndex === v.index)))}
        </div>
      )}
    </div>
  );
}
