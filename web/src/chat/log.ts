// The messages a chat client holds: kept by id, ordered by timestamp, bounded in memory, with the
// newest visible ones handed to the view. Pure data, no DOM: exercised directly by the unit tests.
import { type ChatEvent, parseTimestamp } from './events';

/** At most this many messages are rendered (the newest visible ones). */
export const RENDER_LIMIT = 300;
/** At most this many are kept in memory, hidden ones included. */
export const KEEP_LIMIT = 1000;
/** Ids hidden by a VISIBILITY-UPDATE we had no message for yet (history may still bring it). */
const HIDDEN_IDS_LIMIT = 500;

export type ItemKind = 'chat' | 'system' | 'joined' | 'parted' | 'rename' | 'action' | 'social' | 'notice';

export interface ChatItem {
  id: string;
  kind: ItemKind;
  /** Sort key: the event's timestamp in ms (arrival time when it has none). */
  time: number;
  /** Arrival order, the tie-breaker between equal timestamps. */
  seq: number;
  hidden: boolean;
  event: ChatEvent;
  /** Text of the notices the client writes itself (connection trouble, "you are a moderator"…). */
  text?: string;
}

const KIND_BY_TYPE: Record<string, ItemKind> = {
  CHAT: 'chat',
  SYSTEM: 'system',
  USER_JOINED: 'joined',
  USER_PARTED: 'parted', // newer Owncast (0.1.2)
  NAME_CHANGE: 'rename',
  CHAT_ACTION: 'action',
  FEDIVERSE_ENGAGEMENT_FOLLOW: 'social',
  FEDIVERSE_ENGAGEMENT_LIKE: 'social',
  FEDIVERSE_ENGAGEMENT_REPOST: 'social',
};

/** Whether events of this type become an entry in the list (the others only change state). */
export function isListedType(type: string): boolean {
  return type in KIND_BY_TYPE;
}

export class ChatLog {
  private readonly byId = new Map<string, ChatItem>();
  private ordered: ChatItem[] = [];
  private readonly hiddenIds = new Set<string>();
  private seq = 0;
  private localIds = 0;
  private tailCache: { limit: number; items: ChatItem[] } | null = null;

  constructor(
    private readonly keepLimit: number = KEEP_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.ordered.length;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): ChatItem | undefined {
    return this.byId.get(id);
  }

  /**
   * Adds the listed events that are new; an id already held is left as it is, so a message that arrives
   * live and again in the history stays one message. Returns the items actually added, oldest first.
   */
  addEvents(events: ChatEvent[]): ChatItem[] {
    const added: ChatItem[] = [];
    for (const event of events) {
      const kind = KIND_BY_TYPE[event.type];
      if (!kind) continue;
      const id = typeof event.id === 'string' && event.id ? event.id : `anon-${++this.localIds}`;
      if (this.byId.has(id)) continue;
      const time = parseTimestamp(event.timestamp);
      const hidden = event.visible === false || Boolean(event.hiddenAt) || this.hiddenIds.has(id);
      const item: ChatItem = { id, kind, time: Number.isNaN(time) ? this.now() : time, seq: ++this.seq, hidden, event };
      this.insert(item);
      added.push(item);
    }
    if (added.length > 0) this.trim();
    return added.filter((item) => this.byId.has(item.id));
  }

  /** A notice written by the client, stamped now. */
  addNotice(text: string, type = 'NOTICE'): ChatItem {
    const item: ChatItem = {
      id: `local-${++this.localIds}`,
      kind: 'notice',
      time: this.now(),
      seq: ++this.seq,
      hidden: false,
      event: { type },
      text,
    };
    this.insert(item);
    this.trim();
    return item;
  }

  /** Hides or shows messages in place. Returns true when anything held changed. */
  setVisibility(ids: string[], visible: boolean): boolean {
    let changed = false;
    for (const id of ids) {
      if (typeof id !== 'string') continue;
      if (visible) this.hiddenIds.delete(id);
      else {
        this.hiddenIds.add(id);
        if (this.hiddenIds.size > HIDDEN_IDS_LIMIT) {
          const oldest = this.hiddenIds.values().next().value;
          if (oldest !== undefined) this.hiddenIds.delete(oldest);
        }
      }
      const item = this.byId.get(id);
      if (item && item.hidden === visible) {
        // Items are immutable so views can compare them by reference.
        const next = { ...item, hidden: !visible };
        this.byId.set(id, next);
        this.ordered[this.ordered.indexOf(item)] = next;
        changed = true;
      }
    }
    if (changed) this.tailCache = null;
    return changed;
  }

  /** The newest `limit` visible items, oldest first. The same array is returned until something changes. */
  visibleTail(limit: number = RENDER_LIMIT): ChatItem[] {
    if (this.tailCache && this.tailCache.limit === limit) return this.tailCache.items;
    const items: ChatItem[] = [];
    for (let i = this.ordered.length - 1; i >= 0 && items.length < limit; i--) {
      const item = this.ordered[i]!;
      if (!item.hidden) items.push(item);
    }
    items.reverse();
    this.tailCache = { limit, items };
    return items;
  }

  clear(): void {
    this.byId.clear();
    this.ordered = [];
    this.hiddenIds.clear();
    this.tailCache = null;
  }

  private insert(item: ChatItem): void {
    const list = this.ordered;
    // Nearly always the newest: append. Otherwise binary-search the place (history, clock skew).
    let at = list.length;
    if (at > 0 && compare(list[at - 1]!, item) > 0) {
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compare(list[mid]!, item) <= 0) lo = mid + 1;
        else hi = mid;
      }
      at = lo;
    }
    list.splice(at, 0, item);
    this.byId.set(item.id, item);
    this.tailCache = null;
  }

  private trim(): void {
    const excess = this.ordered.length - this.keepLimit;
    if (excess <= 0) return;
    for (const item of this.ordered.splice(0, excess)) this.byId.delete(item.id);
    this.tailCache = null;
  }
}

function compare(a: ChatItem, b: ChatItem): number {
  return a.time - b.time || a.seq - b.seq;
}
