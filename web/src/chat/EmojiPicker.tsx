// The emoji button and its picker: every Unicode emoji with search, categories and skin tones
// (emoji-picker-element, from npm), with the server's custom emoji (GET /api/emoji) as the first
// category. The picker's code is a chunk of its own, fetched the first time the button is pressed, and
// its data (one JSON file served from /static) is kept by the browser in IndexedDB after that.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CustomEmoji } from './compose';
import { SmileyIcon } from './icons';
import { usePopoverDismissal } from './popover';

export interface EmojiPickerProps {
  custom: CustomEmoji[];
  disabled: boolean;
  /** `:name:` for a custom emoji, the character itself for the others. */
  onPick: (text: string) => void;
}

/** The server's own emoji, in the picker's first category. */
export const CUSTOM_CATEGORY = 'This server';

type PickerElement = HTMLElement & { customEmoji?: { name: string; shortcodes: string[]; url: string; category: string }[] };

let pickerModule: Promise<unknown> | null = null;

/** Loads the picker's code (once); resolves when `<emoji-picker>` is defined. */
export function loadPickerElement(): Promise<unknown> {
  pickerModule ??= import('emoji-picker-element/picker').catch((error: unknown) => {
    pickerModule = null;
    throw error;
  });
  return pickerModule;
}

export function EmojiPicker({ custom, disabled, onPick }: EmojiPickerProps) {
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<'idle' | 'loading' | 'ready' | 'failed'>('idle');
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  const pickRef = useRef(onPick);
  pickRef.current = onPick;

  usePopoverDismissal({ open, close: () => setOpen(false), root: rootRef, button: buttonRef, firstItem: 'emoji-picker', swallowEscape: true });

  useEffect(() => {
    if (disabled) setOpen(false);
  }, [disabled]);

  // Create the picker the first time it opens; keep it (and its scroll position, search) afterwards.
  useEffect(() => {
    if (!open || state === 'ready' || state === 'loading') return;
    setState('loading');
    loadPickerElement().then(
      () => setState('ready'),
      () => setState('failed'),
    );
  }, [open, state]);

  useEffect(() => {
    const host = hostRef.current;
    if (state !== 'ready' || !host) return undefined;
    let picker = host.querySelector<PickerElement>('emoji-picker');
    if (!picker) {
      picker = document.createElement('emoji-picker') as PickerElement;
      picker.setAttribute('data-source', __EMOJI_DATA_URL__);
      picker.classList.add('dark');
      host.append(picker);
    }
    picker.customEmoji = custom.map((emoji) => ({ name: emoji.name, shortcodes: [emoji.name], url: emoji.url, category: CUSTOM_CATEGORY }));
    const onClick = (event: Event): void => {
      const detail = (event as CustomEvent<{ unicode?: string; name?: string; emoji: { url?: string; name: string } }>).detail;
      setOpen(false);
      buttonRef.current?.focus();
      if (detail.unicode) pickRef.current(detail.unicode);
      else if (detail.emoji.url) pickRef.current(`:${detail.emoji.name}:`);
    };
    picker.addEventListener('emoji-click', onClick);
    if (open) window.setTimeout(() => picker?.shadowRoot?.querySelector<HTMLElement>('input')?.focus(), 0);
    return () => picker?.removeEventListener('emoji-click', onClick);
  }, [state, custom, open]);

  return (
    <div class="emoji-picker-wrap" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        id="emoji-button"
        class="chat-icon-button"
        aria-label="Insert an emoji"
        title="Emoji"
        aria-haspopup="dialog"
        aria-expanded={open}
        disabled={disabled}
        onClick={() => setOpen(!open)}
      >
        <SmileyIcon />
      </button>
      <div class="emoji-picker" role="dialog" aria-label="Emoji" hidden={!open}>
        {state === 'loading' && <p class="emoji-picker-note">Loading the emoji…</p>}
        {state === 'failed' && <p class="emoji-picker-note">The emoji could not be loaded. Try again later.</p>}
        <div ref={hostRef} class="emoji-picker-host" />
      </div>
    </div>
  );
}
