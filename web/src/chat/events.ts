// Shapes of the chat WebSocket events and the history API (Owncast 0.0.11 wire format), and the
// parsing of one WebSocket frame, which may carry several events separated by newlines.

export interface ChatUser {
  id: string;
  displayName: string;
  /** A hue, 0–360, picked by the server at registration. */
  displayColor?: number;
  createdAt?: string;
  previousNames?: string[] | null;
  scopes?: string[] | null;
  disabledAt?: string;
  nameChangedAt?: string;
  /** Newer Owncast: an integration (API) user. */
  isBot?: boolean;
  /** Newer Owncast: the user proved a website (IndieAuth) or a fediverse account. */
  authenticated?: boolean;
}

export interface ChatEvent {
  type: string;
  id?: string;
  timestamp?: string;
  /** Server-rendered, sanitized HTML. */
  body?: string;
  user?: ChatUser | null;
  visible?: boolean;
  /** History only: set when the message is hidden. */
  hiddenAt?: string;
  /** VISIBILITY-UPDATE: the messages to hide or show. */
  ids?: string[];
  /** NAME_CHANGE: the name before. */
  oldName?: string;
  /** FEDIVERSE_ENGAGEMENT_*: avatar, "user@host" and the actor's profile URL. */
  image?: string | null;
  title?: string;
  link?: string;
}

export const MODERATOR_SCOPE = 'MODERATOR';

export function isModerator(user: ChatUser | null | undefined): boolean {
  return Array.isArray(user?.scopes) && user.scopes.includes(MODERATOR_SCOPE);
}

export function isAuthenticated(user: ChatUser | null | undefined): boolean {
  return user?.authenticated === true;
}

/**
 * The events in one WebSocket text frame. The server batches queued events into one frame, one JSON
 * object per line; lines that are not a JSON object with a string `type` are skipped.
 */
export function splitFrame(data: string): ChatEvent[] {
  const events: ChatEvent[] = [];
  for (const line of data.split('\n')) {
    const text = line.trim();
    if (!text) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue;
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const event = parsed as Partial<ChatEvent>;
      if (typeof event.type === 'string') events.push(event as ChatEvent);
    }
  }
  return events;
}

/**
 * Milliseconds since the epoch for an RFC 3339 timestamp. Go writes up to nine fractional digits,
 * which not every engine parses, so the fraction is cut to milliseconds first. NaN when unparseable.
 */
export function parseTimestamp(value: string | undefined): number {
  if (!value) return Number.NaN;
  return Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
}
