// Skip links, the first things a keyboard reaches: straight to the player (or the offline message), to
// the chat and to the page's content. Hidden until focused.

export interface SkipLinksProps {
  offline: boolean;
  chat: boolean;
}

export function SkipLinks({ offline, chat }: SkipLinksProps) {
  const go = (id: string) => (event: Event) => {
    let target = document.getElementById(id);
    if (target instanceof HTMLTextAreaElement && target.disabled) target = document.getElementById('messages-container');
    if (!target) return;
    event.preventDefault();
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus();
    target.scrollIntoView({ block: 'nearest' });
  };
  return (
    <nav class="skip-links" aria-label="Skip links">
      <a class="skip-link" href="#video-container" target="_self" onClick={go(offline ? 'offline-banner' : 'video-container')}>
        {offline ? 'Skip to offline message' : 'Skip to player'}
      </a>
      {chat && (
        <a class="skip-link" href="#chat-container" target="_self" onClick={go('message-input')}>
          Skip to chat
        </a>
      )}
      <a class="skip-link" href="#user-content" target="_self" onClick={go('user-content')}>
        Skip to page content
      </a>
    </nav>
  );
}
