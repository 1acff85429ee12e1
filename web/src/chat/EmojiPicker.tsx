// A small popover of the server's custom emoji (GET /api/emoji) and a few common ones.
import { useEffect, useRef, useState } from 'preact/hooks';
import { usePopoverDismissal } from './popover';
import type { CustomEmoji } from './compose';
import { SmileyIcon } from './icons';

const COMMON = ['👍', '❤️', '😂', '🎉', '🔥', '👏', '😮', '😢', '🙏', '👀', '💯', '🤔'];

export interface EmojiPickerProps {
  custom: CustomEmoji[];
  disabled: boolean;
  /** `:name:` for a custom emoji, the character itself for the others. */
  onPick: (text: string) => void;
}

export function EmojiPicker({ custom, disabled, onPick }: EmojiPickerProps) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  usePopoverDismissal({ open, close: () => setOpen(false), root: rootRef, button: buttonRef, firstItem: '.emoji-choice', swallowEscape: true });

  useEffect(() => {
    if (disabled) setOpen(false);
  }, [disabled]);

  const pick = (text: string): void => {
    setOpen(false);
    onPick(text);
  };

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
      {open && (
        <div class="emoji-picker" role="dialog" aria-label="Emoji">
          {custom.length > 0 && (
            <div class="emoji-grid emoji-grid_custom">
              {custom.map((emoji) => (
                <button
                  key={emoji.name}
                  type="button"
                  class="emoji-choice"
                  title={`:${emoji.name}:`}
                  aria-label={`:${emoji.name}:`}
                  onClick={() => pick(`:${emoji.name}:`)}
                >
                  <img src={emoji.url} alt="" />
                </button>
              ))}
            </div>
          )}
          <div class="emoji-grid emoji-grid_common">
            {COMMON.map((emoji) => (
              <button key={emoji} type="button" class="emoji-choice" aria-label={emoji} onClick={() => pick(emoji)}>
                {emoji}
              </button>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}
