// Small inline icons (our own drawings). Decorative: the buttons carrying them have labels.

export function ShieldIcon() {
  return (
    <svg class="icon icon-shield" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <path fill="currentColor" d="M8 1 2.5 3v4.3c0 3.4 2.3 6.3 5.5 7.7 3.2-1.4 5.5-4.3 5.5-7.7V3L8 1Zm0 2 3.5 1.3v3c0 2.4-1.5 4.6-3.5 5.7V3Z" />
    </svg>
  );
}

export function PersonIcon() {
  return (
    <svg class="icon icon-person" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <circle cx="8" cy="5" r="3" fill="currentColor" />
      <path fill="currentColor" d="M2 14.5c0-3 2.7-5 6-5s6 2 6 5V15H2v-.5Z" />
    </svg>
  );
}

export function ChatBubbleIcon() {
  return (
    <svg class="icon icon-chat" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
      <path
        fill="currentColor"
        d="M3 3.5h14a1.5 1.5 0 0 1 1.5 1.5v8a1.5 1.5 0 0 1-1.5 1.5H8.2L4.5 17.6V14.5H3A1.5 1.5 0 0 1 1.5 13V5A1.5 1.5 0 0 1 3 3.5Z"
      />
    </svg>
  );
}

export function SmileyIcon() {
  return (
    <svg class="icon icon-smiley" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
      <circle cx="10" cy="10" r="8" fill="none" stroke="currentColor" stroke-width="1.6" />
      <circle cx="7.2" cy="8" r="1.2" fill="currentColor" />
      <circle cx="12.8" cy="8" r="1.2" fill="currentColor" />
      <path d="M6.3 11.8a4.3 4.3 0 0 0 7.4 0" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
    </svg>
  );
}

export function SendIcon() {
  return (
    <svg class="icon icon-send" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
      <path fill="currentColor" d="M2.5 3.2 18 10 2.5 16.8l1.8-5.6 7-1.2-7-1.2-1.8-5.6Z" />
    </svg>
  );
}

export function DotsIcon() {
  return (
    <svg class="icon icon-dots" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <circle cx="8" cy="3" r="1.5" fill="currentColor" />
      <circle cx="8" cy="8" r="1.5" fill="currentColor" />
      <circle cx="8" cy="13" r="1.5" fill="currentColor" />
    </svg>
  );
}

/** Badge on a Fediverse card: follow, like or repost. */
export function EngagementIcon({ kind }: { kind: 'follow' | 'like' | 'repost' }) {
  const paths = {
    follow: 'M8 3v10M3 8h10',
    like: 'M8 13.5 2.8 8.4a3 3 0 0 1 4.3-4.3L8 5l.9-.9a3 3 0 0 1 4.3 4.3L8 13.5Z',
    repost: 'M3 6h8l-2-2M13 10H5l2 2',
  };
  return (
    <svg class={`icon icon-engagement icon-${kind}`} viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
      <path
        d={paths[kind]}
        fill={kind === 'like' ? 'currentColor' : 'none'}
        stroke="currentColor"
        stroke-width="2"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  );
}

/** The authenticated badge: a seal with a tick. */
export function VerifiedIcon() {
  return (
    <svg class="icon icon-verified" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <path
        fill="currentColor"
        d="m8 .8 1.8 1.4 2.3-.2.6 2.2 2 1.2-.9 2.1.9 2.1-2 1.2-.6 2.2-2.3-.2L8 15.2l-1.8-1.4-2.3.2-.6-2.2-2-1.2.9-2.1-.9-2.1 2-1.2.6-2.2 2.3.2L8 .8Z"
      />
      <path d="m5.2 8.2 1.9 1.9 3.7-3.9" fill="none" stroke="#14161c" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

export function KeyIcon() {
  return (
    <svg class="icon icon-key" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <circle cx="5" cy="8" r="3.2" fill="none" stroke="currentColor" stroke-width="1.6" />
      <path d="M8.2 8H15M12.5 8v2.6M14.6 8v2" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
    </svg>
  );
}
