// One chat identity's connection: registration, the WebSocket with reconnects, the history, and the
// message log. Framework-free; the view subscribes to changes (see useChatSession).
//
// Protocol (Owncast 0.0.11): POST /api/chat/register → token; WS /ws?accessToken=…; GET /api/chat once
// the socket is open (merged by id, so reconnects never duplicate a message). A server that refuses the
// socket before upgrading answers plain text (CHAT_DISABLED, ERROR_MAX_CONNECTIONS_EXCEEDED), which a
// browser WebSocket cannot read, so after a failed upgrade we ask once with a plain GET.
import { type ChatEvent, type ChatUser, isAuthenticated, isModerator, splitFrame } from './events';
import { type ChatItem, ChatLog, isListedType } from './log';
import { readStored, removeStored, writeStored } from './storage';

export interface ChatIdentity {
  tokenKey: string;
  /** Where the chat name is remembered; null when the identity never shows its name. */
  nameKey: string | null;
  /** The name asked for when registering. */
  initialName(): string;
}

/** The viewer's own identity, shared by the page and /embed/chat/readwrite (Owncast 0.0.11 keys). */
export const VIEWER_IDENTITY: ChatIdentity = {
  tokenKey: 'owncast_access_token',
  nameKey: 'owncast_username',
  initialName: () => readStored('owncast_username') ?? '',
};

/** The read-only embed's separate identity, so an OBS overlay never chats as the streamer. */
export const EMBED_IDENTITY: ChatIdentity = {
  tokenKey: 'owncast_embed_chat_access_token',
  nameKey: null,
  initialName: () => `chat-embed-${randomSuffix()}`,
};

/** What `userDetails` returns. */
export interface UserDetails {
  user: ChatUser;
  connectedClients: { connectedAt?: string; userAgent?: string; id?: number; messageCount?: number }[];
  messages: ChatEvent[];
}

export type ChatPhase =
  | 'idle'
  | 'connecting'
  | 'open'
  | 'reconnecting'
  /** A moderator removed this user: no more reconnects. */
  | 'banned'
  /** The server has no room for another socket; retried slowly. */
  | 'full'
  /** Chat is turned off on the server. */
  | 'disabled';

export const RECONNECT_BASE_MS = 5_000;
export const RECONNECT_MAX_MS = 60_000;
export const FULL_RETRY_MS = 60_000;
/** A server that never sends CONNECTED_USER_INFO is taken as joined after this long. */
const JOIN_FALLBACK_MS = 3_000;
/** Registering again sooner than this after the last registration waits like a reconnect. */
const REREGISTER_GUARD_MS = 10_000;

/** Delay before reconnect attempt `attempt` (1-based): 5 s, 10 s, 20 s, 40 s, then 60 s; plus up to 20 % jitter. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 + 0.2 * random()));
}

function randomSuffix(): string {
  const bytes = new Uint8Array(4);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The chat socket's address: this server, or newer Owncast's `socketHostOverride` (a ws(s):// or
 * http(s):// address; http maps to ws). */
export function socketUrl(token: string, hostOverride = ''): string {
  const query = `/ws?accessToken=${encodeURIComponent(token)}`;
  if (hostOverride) {
    try {
      const url = new URL(hostOverride);
      const scheme = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
      return `${scheme}//${url.host}${query}`;
    } catch {
      // not an address: use this server
    }
  }
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${query}`;
}

async function refusalReason(token: string): Promise<string | null> {
  try {
    const response = await fetch(`/ws?accessToken=${encodeURIComponent(token)}`, { cache: 'no-store' });
    if (!response.ok) return null;
    const text = (await response.text()).trim();
    return text === 'CHAT_DISABLED' || text === 'ERROR_MAX_CONNECTIONS_EXCEEDED' ? text : null;
  } catch {
    return null;
  }
}

function isEvent(value: unknown): value is ChatEvent {
  return value !== null && typeof value === 'object' && typeof (value as ChatEvent).type === 'string';
}

export class ChatSession {
  readonly log = new ChatLog();
  phase: ChatPhase = 'idle';
  /** This user as the server last described it (CONNECTED_USER_INFO, own NAME_CHANGE). */
  me: ChatUser | null = null;
  /** Bumped on every change the view may need to draw. */
  version = 0;

  private ws: WebSocket | null = null;
  private running = false;
  private everOpened = false;
  private attempt = 0;
  private timer: number | undefined;
  private token: string | null = null;
  private lastRegistration = 0;
  private reregister = false;
  private moderatorNoticeShown = false;
  private readonly listeners = new Set<() => void>();
  private readonly liveListeners = new Set<(items: ChatItem[]) => void>();

  constructor(
    private readonly identity: ChatIdentity,
    private readonly socketHost = '',
  ) {}

  get moderator(): boolean {
    return isModerator(this.me);
  }

  get authenticated(): boolean {
    return isAuthenticated(this.me);
  }

  /** The chat token in use (or remembered), for the routes that take `?accessToken=`. */
  get accessToken(): string | null {
    return this.token ?? readStored(this.identity.tokenKey);
  }

  /** Opens a fresh socket now (after authenticating, the token may belong to another user). */
  rejoin(): void {
    if (!this.running) return;
    this.stop();
    this.start();
  }

  get connected(): boolean {
    return this.phase === 'open';
  }

  /** The server's name for this user, else the one remembered from an earlier visit. */
  get displayName(): string {
    if (this.me) return this.me.displayName;
    return this.identity.nameKey ? readStored(this.identity.nameKey) ?? '' : '';
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Messages that arrived over the socket (not from the history), for announcements and unread counts. */
  onLiveItems(listener: (items: ChatItem[]) => void): () => void {
    this.liveListeners.add(listener);
    return () => this.liveListeners.delete(listener);
  }

  start(): void {
    if (this.running || this.phase === 'banned' || this.phase === 'disabled') return;
    this.running = true;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    window.clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = null;
    ws?.close();
    if (this.phase !== 'banned' && this.phase !== 'disabled') this.setPhase('idle');
  }

  /** Sends a CHAT event; false when the socket is not open (nothing was sent). */
  send(body: string): boolean {
    return this.sendEvent({ type: 'CHAT', body });
  }

  /** Asks for a new name; the server answers with NAME_CHANGE, or a refusal and CONNECTED_USER_INFO. */
  rename(newName: string): boolean {
    return this.sendEvent({ type: 'NAME_CHANGE', newName });
  }

  hideMessage(id: string): Promise<boolean> {
    return this.moderate('/api/chat/updatemessagevisibility', { idArray: [id], visible: false });
  }

  removeUser(userId: string): Promise<boolean> {
    return this.moderate('/api/chat/users/setenabled', { userId, enabled: false });
  }

  /**
   * A moderator's view of a user (newer Owncast's `GET /api/moderation/chat/user/{id}`): null when the
   * server does not know them or refuses (not a moderator, or an older server without the route).
   */
  async userDetails(userId: string): Promise<UserDetails | null> {
    const token = this.token ?? readStored(this.identity.tokenKey);
    if (!token) return null;
    try {
      const response = await fetch(
        `/api/moderation/chat/user/${encodeURIComponent(userId)}?accessToken=${encodeURIComponent(token)}`,
        { cache: 'no-store' },
      );
      if (!response.ok) return null;
      const body = (await response.json()) as Partial<UserDetails>;
      if (!body.user || typeof body.user.id !== 'string') return null;
      return {
        user: body.user,
        connectedClients: Array.isArray(body.connectedClients) ? body.connectedClients : [],
        messages: Array.isArray(body.messages) ? body.messages.filter(isEvent) : [],
      };
    } catch {
      return null;
    }
  }

  addNotice(text: string): void {
    this.log.addNotice(text);
    this.notify();
  }

  // --- connection ---------------------------------------------------------------------------------

  private async connect(): Promise<void> {
    if (!this.running) return;
    if (this.phase !== 'full') this.setPhase(this.everOpened ? 'reconnecting' : 'connecting');
    let token: string;
    try {
      token = await this.ensureToken();
    } catch {
      this.scheduleReconnect();
      return;
    }
    if (!this.running || this.ws) return;
    let opened = false;
    const ws = new WebSocket(socketUrl(token, this.socketHost));
    this.ws = ws;
    // The socket counts as joined once the server introduces us (CONNECTED_USER_INFO, its first event):
    // a token it does not know, or a removed user, gets an error event instead, and no history request.
    let joined = false;
    const join = (): void => {
      if (joined || this.ws !== ws) return;
      joined = true;
      this.attempt = 0;
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.setPhase('open');
      void this.loadHistory(token, reconnected);
    };
    let joinFallback: number | undefined;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      opened = true;
      joinFallback = window.setTimeout(join, JOIN_FALLBACK_MS);
    };
    ws.onmessage = (message: MessageEvent) => {
      if (this.ws !== ws || typeof message.data !== 'string') return;
      const events = splitFrame(message.data);
      if (events.some((e) => e.type === 'CONNECTED_USER_INFO')) join();
      this.receive(events);
    };
    ws.onclose = () => {
      window.clearTimeout(joinFallback);
      if (this.ws !== ws) return;
      this.ws = null;
      void this.afterClose(opened, token);
    };
  }

  private async afterClose(opened: boolean, token: string): Promise<void> {
    if (!this.running) return;
    if (this.reregister) {
      this.reregister = false;
      if (Date.now() - this.lastRegistration > REREGISTER_GUARD_MS) {
        void this.connect();
        return;
      }
    }
    if (!opened) {
      const reason = await refusalReason(token);
      if (!this.running) return;
      if (reason === 'CHAT_DISABLED') {
        this.running = false;
        this.setPhase('disabled');
        return;
      }
      if (reason === 'ERROR_MAX_CONNECTIONS_EXCEEDED') {
        this.setPhase('full');
        this.timer = window.setTimeout(() => void this.connect(), FULL_RETRY_MS);
        return;
      }
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    this.attempt += 1;
    if (this.phase !== 'full') this.setPhase(this.everOpened ? 'reconnecting' : 'connecting');
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.connect(), reconnectDelay(this.attempt));
  }

  private async ensureToken(): Promise<string> {
    const stored = readStored(this.identity.tokenKey);
    if (stored) {
      this.token = stored;
      return stored;
    }
    this.lastRegistration = Date.now();
    const response = await fetch('/api/chat/register', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ displayName: this.identity.initialName() }),
      cache: 'no-store',
    });
    if (!response.ok) throw new Error(`/api/chat/register: HTTP ${response.status}`);
    const answer = (await response.json()) as { accessToken?: unknown; displayName?: unknown };
    if (typeof answer.accessToken !== 'string' || !answer.accessToken) throw new Error('no access token');
    writeStored(this.identity.tokenKey, answer.accessToken);
    if (this.identity.nameKey && typeof answer.displayName === 'string') {
      writeStored(this.identity.nameKey, answer.displayName);
    }
    this.token = answer.accessToken;
    return answer.accessToken;
  }

  private async loadHistory(token: string, reconnected: boolean): Promise<void> {
    let list: unknown;
    try {
      const response = await fetch(`/api/chat?accessToken=${encodeURIComponent(token)}`, { cache: 'no-store' });
      if (!response.ok) return;
      list = await response.json();
    } catch {
      return;
    }
    if (!Array.isArray(list)) return;
    const events = list.filter(isEvent);
    let changed = this.log.addEvents(events).length > 0;
    if (reconnected) changed = this.hideMissing(events) || changed;
    if (changed) this.notify();
  }

  /**
   * After a reconnect: a chat message we hold that falls inside the history's time span but is not in
   * it was hidden (or its author removed) while we were away.
   */
  private hideMissing(history: ChatEvent[]): boolean {
    const chats = history.filter((e) => e.type === 'CHAT' && typeof e.id === 'string');
    if (chats.length === 0) return false;
    const kept = new Set(chats.map((e) => e.id as string));
    const first = this.log.get(chats[0]!.id as string);
    const last = this.log.get(chats[chats.length - 1]!.id as string);
    if (!first || !last) return false;
    const gone = this.log
      .visibleTail(Number.MAX_SAFE_INTEGER)
      .filter((item) => item.kind === 'chat' && item.time >= first.time && item.time <= last.time && !kept.has(item.id))
      .map((item) => item.id);
    return gone.length > 0 && this.log.setVisibility(gone, false);
  }

  // --- events ---------------------------------------------------------------------------------------

  private receive(events: ChatEvent[]): void {
    let changed = false;
    const live: ChatItem[] = [];
    for (const event of events) {
      switch (event.type) {
        case 'CONNECTED_USER_INFO':
          if (event.user) {
            this.setMe(event.user);
            changed = true;
          }
          break;
        case 'VISIBILITY-UPDATE':
          if (Array.isArray(event.ids)) changed = this.log.setVisibility(event.ids, event.visible === true) || changed;
          break;
        case 'ERROR_NEEDS_REGISTRATION':
          removeStored(this.identity.tokenKey);
          this.token = null;
          this.reregister = true;
          this.ws?.close();
          break;
        case 'ERROR_USER_DISABLED':
          this.ban();
          changed = true;
          break;
        case 'PING':
          this.sendEvent({ type: 'PONG' });
          break;
        default:
          if (!isListedType(event.type)) break;
          if (event.type === 'NAME_CHANGE' && event.user && this.me && event.user.id === this.me.id) {
            this.setMe({ ...this.me, ...event.user });
          }
          live.push(...this.log.addEvents([event]));
          changed = true;
      }
    }
    if (changed) this.notify();
    if (live.length > 0) for (const listener of this.liveListeners) listener(live);
  }

  private setMe(user: ChatUser): void {
    this.me = user;
    if (this.identity.nameKey && user.displayName) writeStored(this.identity.nameKey, user.displayName);
    if (isModerator(user) && !this.moderatorNoticeShown) {
      this.moderatorNoticeShown = true;
      this.log.addNotice(
        'You are a moderator here: the ⋮ button on a message lets you hide it or remove its author.',
      );
    }
  }

  private ban(): void {
    this.running = false;
    window.clearTimeout(this.timer);
    this.setPhase('banned', false);
    const ws = this.ws;
    this.ws = null;
    ws?.close();
  }

  private sendEvent(event: Record<string, unknown>): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(event));
    return true;
  }

  private async moderate(path: string, body: Record<string, unknown>): Promise<boolean> {
    const token = this.token ?? readStored(this.identity.tokenKey);
    if (!token) return false;
    try {
      const response = await fetch(`${path}?accessToken=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        cache: 'no-store',
      });
      if (response.ok) return true;
      this.addNotice(`The server refused that (HTTP ${response.status}).`);
    } catch {
      this.addNotice('Could not reach the server. Try again in a moment.');
    }
    return false;
  }

  private setPhase(phase: ChatPhase, notify = true): void {
    if (this.phase === phase) return;
    this.phase = phase;
    if (notify) this.notify();
  }

  private notify(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }
}
