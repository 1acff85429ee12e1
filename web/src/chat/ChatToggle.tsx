import { ChatBubbleIcon } from './icons';

/** The header button that shows or hides the chat column (also the `C` key). */
export function ChatToggle({ shown, onToggle }: { shown: boolean; onToggle: () => void }) {
  const label = shown ? 'Hide the chat' : 'Show the chat';
  return (
    <button
      type="button"
      id="chat-toggle"
      class={`chat-toggle${shown ? ' active' : ''}`}
      aria-pressed={shown}
      aria-label={label}
      title={`${label} (C)`}
      onClick={onToggle}
    >
      <ChatBubbleIcon />
    </button>
  );
}
