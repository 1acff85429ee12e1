// The message box: Enter sends, Shift+Enter (or Ctrl+Enter) starts a new line. The limit is in bytes
// of the body sent (the server's payload size minus room for the envelope); a red counter shows the
// last few bytes, and input that would go past the limit is refused.
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { BYTES_WARNING, bodyBytes, composeBody, type CustomEmoji } from './compose';
import { EmojiPicker } from './EmojiPicker';
import { useCustomEmoji } from './hooks';
import { SendIcon } from './icons';
import type { ChatSession } from './session';
import { readStored, writeStored } from './storage';

const FIRST_MESSAGE_KEY = 'owncast_first_message_sent';
const MAX_BOX_HEIGHT_PX = 120;

export interface ChatInputProps {
  session: ChatSession;
  byteLimit: number;
  /** The chat is open (stream live, or within five minutes of its end). */
  open: boolean;
}

export function ChatInput({ session, byteLimit, open }: ChatInputProps) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState('');
  const [sentBefore, setSentBefore] = useState(() => readStored(FIRST_MESSAGE_KEY) === 'true');
  const boxRef = useRef<HTMLTextAreaElement>(null);
  const caretRef = useRef<number | null>(null);
  const custom = useCustomEmoji();
  const emoji = useMemo(() => new Map<string, CustomEmoji>(custom.map((e) => [e.name, e])), [custom]);

  const used = bodyBytes(text, emoji);
  const remaining = byteLimit - used;
  const connected = session.connected;
  const canSend = open && connected && text.trim() !== '' && remaining >= 0;

  // Grow with the text up to a few lines; put the caret back after programmatic inserts.
  useLayoutEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    box.style.height = 'auto';
    box.style.height = `${Math.min(box.scrollHeight, MAX_BOX_HEIGHT_PX)}px`;
    if (caretRef.current !== null) {
      box.focus();
      box.setSelectionRange(caretRef.current, caretRef.current);
      caretRef.current = null;
    }
  }, [text]);

  const fits = (next: string): boolean => bodyBytes(next, emoji) <= byteLimit;

  const insert = (snippet: string): void => {
    const box = boxRef.current;
    if (!box) return;
    const start = box.selectionStart ?? box.value.length;
    const end = box.selectionEnd ?? start;
    const next = box.value.slice(0, start) + snippet + box.value.slice(end);
    if (!fits(next)) {
      setProblem('That does not fit in this message.');
      return;
    }
    caretRef.current = start + snippet.length;
    setText(next);
  };

  const submit = (): void => {
    if (!open || text.trim() === '' || remaining < 0) return;
    if (!session.send(composeBody(text, emoji))) {
      setProblem('Not connected to the chat right now. Your message is still here; try again in a moment.');
      return;
    }
    setText('');
    setProblem('');
    if (!sentBefore) {
      setSentBefore(true);
      writeStored(FIRST_MESSAGE_KEY, 'true');
    }
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Enter' || event.isComposing || event.keyCode === 229) return;
    if (event.shiftKey) return; // the textarea inserts the line break
    event.preventDefault();
    if (event.ctrlKey || event.altKey || event.metaKey) insert('\n');
    else submit();
  };

  const onBeforeInput = (event: InputEvent): void => {
    const kind = event.inputType;
    if (!kind.startsWith('insert') || kind === 'insertCompositionText') return;
    const box = event.currentTarget as HTMLTextAreaElement;
    const data =
      kind === 'insertLineBreak' || kind === 'insertParagraph'
        ? '\n'
        : (event.data ?? event.dataTransfer?.getData('text/plain') ?? '');
    const start = box.selectionStart ?? box.value.length;
    const next = box.value.slice(0, start) + data + box.value.slice(box.selectionEnd ?? start);
    if (!fits(next)) event.preventDefault();
  };

  let placeholder = sentBefore ? 'Write a message…' : 'Say hello! No account needed.';
  if (!open) placeholder = 'Chat opens when the stream is live.';
  else if (!connected) placeholder = 'Joining the chat…';

  return (
    <form
      class="chat-input"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <div class="chat-input-row">
        <textarea
          id="message-input"
          ref={boxRef}
          rows={1}
          value={text}
          placeholder={placeholder}
          aria-label="Chat message"
          enterkeyhint="send"
          autoComplete="off"
          spellcheck={true}
          disabled={!open}
          onInput={(event) => {
            setText((event.currentTarget as HTMLTextAreaElement).value);
            if (problem) setProblem('');
          }}
          onKeyDown={onKeyDown}
          onBeforeInput={onBeforeInput}
        />
        <EmojiPicker custom={custom} disabled={!open || remaining <= 0} onPick={insert} />
        <button
          type="submit"
          id="send-message-button"
          class="chat-icon-button chat-send-button"
          aria-label="Send"
          title="Send (Enter)"
          disabled={!canSend}
          onMouseDown={(event) => event.preventDefault() /* keep the keyboard up on phones */}
        >
          <SendIcon />
        </button>
      </div>
      {(remaining <= BYTES_WARNING || problem) && (
        <div class="chat-input-footer" aria-live="polite">
          {problem && <span class="chat-input-problem">{problem}</span>}
          {remaining <= BYTES_WARNING && (
            <span class={`chat-byte-counter${remaining < 0 ? ' over' : ''}`}>
              {remaining >= 0 ? `${remaining} ${remaining === 1 ? 'byte' : 'bytes'} left` : `${-remaining} bytes too long`}
            </span>
          )}
        </div>
      )}
    </form>
  );
}
