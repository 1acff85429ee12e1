// Shapes of the Owncast-compatible public API the page reads, and small fetch helpers.

export interface SocialHandle {
  platform: string;
  url: string;
  icon?: string;
}

export interface ExternalAction {
  url: string;
  title: string;
  description?: string;
  icon?: string;
  color?: string;
  openExternally?: boolean;
}

export interface ServerConfig {
  name: string;
  summary: string;
  logo: string;
  tags: string[];
  version: string;
  nsfw: boolean;
  extraPageContent: string;
  streamTitle?: string;
  socialHandles: SocialHandle[];
  chatDisabled: boolean;
  externalActions: ExternalAction[];
  customStyles: string;
  maxSocketPayloadSize: number;
  federation: { enabled: boolean; account?: string; followerCount?: number };
  /** Newer Owncast: the admin's offline message, rendered and sanitized HTML ("" when unset). */
  offlineMessage: string;
  /** Newer Owncast: the admin hides the viewer count (then /api/status leaves it out). */
  hideViewerCount: boolean;
  /** Newer Owncast: browser notifications offered, and the server's VAPID key to subscribe with. */
  notifications: { browser: { enabled: boolean; publicKey?: string } };
  /** Newer Owncast: where to open the chat socket instead of this server ("" for here). */
  socketHostOverride: string;
  /** Newer Owncast: CSS custom properties (names without `--`) the page sets; null when never set. */
  appearanceVariables: Record<string, string> | null;
  /** Newer Owncast: chat users may prove a website (IndieAuth; needs the server URL). */
  authentication: { indieAuthEnabled: boolean };
  /** Owncast's development branch: scheduled streams, and whether the page shows the countdown. */
  schedule: { enabled: boolean; showCountdown: boolean; chatOpenMinutesBefore: number };
}

/** The current or next scheduled stream (`/api/status.scheduledEvent`, development branch). */
export interface ScheduledEvent {
  id: string;
  name: string;
  description: string;
  /** RFC 3339, UTC. */
  startTime: string;
  durationMinutes: number;
  /** The schedule opens chat now (before the start, or during the slot). */
  chatOpen: boolean;
}

export interface StreamStatus {
  online: boolean;
  /** Left out while the admin hides the count. */
  viewerCount?: number;
  lastConnectTime: string | null;
  lastDisconnectTime: string | null;
  versionNumber: string;
  streamTitle: string;
  /** Left out while the schedule is off or nothing is scheduled. */
  scheduledEvent?: ScheduledEvent;
}

export interface Variant {
  index: number;
  name: string;
}

export const LOGO_URL = '/logo';
export const THUMBNAIL_URL = '/thumbnail.jpg';
export const STREAM_URL = '/hls/stream.m3u8';

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { cache: 'no-store', credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** `/api/config`, with every field defaulted so a partial or older server never breaks rendering. */
export async function fetchConfig(): Promise<ServerConfig> {
  const raw = await getJson<Partial<ServerConfig>>('/api/config');
  return {
    name: str(raw.name),
    summary: str(raw.summary),
    logo: str(raw.logo) || LOGO_URL,
    tags: Array.isArray(raw.tags) ? raw.tags.filter((t): t is string => typeof t === 'string') : [],
    version: str(raw.version),
    nsfw: raw.nsfw === true,
    extraPageContent: str(raw.extraPageContent),
    streamTitle: str(raw.streamTitle),
    socialHandles: Array.isArray(raw.socialHandles) ? raw.socialHandles : [],
    chatDisabled: raw.chatDisabled === true,
    externalActions: Array.isArray(raw.externalActions) ? raw.externalActions : [],
    customStyles: str(raw.customStyles),
    maxSocketPayloadSize: typeof raw.maxSocketPayloadSize === 'number' ? raw.maxSocketPayloadSize : 2048,
    federation: raw.federation ?? { enabled: false },
    offlineMessage: str(raw.offlineMessage),
    hideViewerCount: raw.hideViewerCount === true,
    notifications: {
      browser: {
        enabled: raw.notifications?.browser?.enabled === true,
        publicKey: str(raw.notifications?.browser?.publicKey) || undefined,
      },
    },
    socketHostOverride: str(raw.socketHostOverride),
    appearanceVariables:
      raw.appearanceVariables && typeof raw.appearanceVariables === 'object' ? raw.appearanceVariables : null,
    authentication: { indieAuthEnabled: raw.authentication?.indieAuthEnabled === true },
    schedule: {
      enabled: raw.schedule?.enabled === true,
      showCountdown: raw.schedule?.showCountdown === true,
      chatOpenMinutesBefore: typeof raw.schedule?.chatOpenMinutesBefore === 'number' ? raw.schedule.chatOpenMinutesBefore : 0,
    },
  };
}

export function fetchStatus(): Promise<StreamStatus> {
  return getJson<StreamStatus>('/api/status');
}

/** Counts this viewer; the response body is empty. */
export async function ping(): Promise<void> {
  const response = await fetch('/api/ping', { cache: 'no-store', credentials: 'same-origin' });
  if (!response.ok) throw new Error(`/api/ping: HTTP ${response.status}`);
}

export async function fetchVariants(): Promise<Variant[]> {
  try {
    const list = await getJson<Variant[]>('/api/video/variants');
    return Array.isArray(list) ? list.filter((v) => typeof v.index === 'number' && typeof v.name === 'string') : [];
  } catch {
    return [];
  }
}

/** One fediverse follower, as `/api/followers` lists them. */
export interface Follower {
  link: string;
  name: string;
  username: string;
  image: string;
  timestamp: string | null;
}

/** `/api/followers`: 0.0.11's array, or newer Owncast's `{total, results}` page. */
export async function fetchFollowers(): Promise<Follower[]> {
  const raw = await getJson<unknown>('/api/followers');
  const list = Array.isArray(raw) ? raw : Array.isArray((raw as { results?: unknown })?.results) ? (raw as { results: unknown[] }).results : [];
  return list
    .filter((f): f is Record<string, unknown> => f !== null && typeof f === 'object')
    .map((f) => ({
      link: str(f.link),
      name: str(f.name),
      username: str(f.username),
      image: str(f.image),
      timestamp: typeof f.timestamp === 'string' ? f.timestamp : null,
    }));
}

/** `POST /api/remotefollow`: where to send the visitor to follow, or the server's reason it can't. */
export async function remoteFollow(account: string): Promise<{ redirectUrl: string } | { error: string }> {
  let response: Response;
  try {
    response = await fetch('/api/remotefollow', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ account }),
      cache: 'no-store',
    });
  } catch {
    return { error: 'Could not reach this server. Check your connection and try again.' };
  }
  let body: { redirectUrl?: unknown; message?: unknown } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // fall through with the status
  }
  if (response.ok && typeof body.redirectUrl === 'string') return { redirectUrl: body.redirectUrl };
  return { error: typeof body.message === 'string' && body.message ? body.message : `HTTP ${response.status}` };
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** An answer of the chat authentication routes: what the server sent, or the reason it refused. */
export type AuthAnswer<T> = { ok: T } | { error: string };

async function authPost<T>(path: string, token: string, body: unknown, read: (json: unknown) => T | null): Promise<AuthAnswer<T>> {
  let response: Response;
  try {
    response = await fetch(`${path}?accessToken=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    return { error: 'Could not reach this server. Check your connection and try again.' };
  }
  let json: unknown = null;
  try {
    json = await response.json();
  } catch {
    // an empty body (403 for a wrong code)
  }
  const value = response.ok ? read(json) : null;
  if (value !== null) return { ok: value };
  if (response.status === 403) return { error: 'That code is wrong or has expired.' };
  if (response.status === 401) return { error: 'The chat does not know you yet; reload the page and try again.' };
  const message = (json as { message?: unknown } | null)?.message;
  return { error: typeof message === 'string' && message ? message : `HTTP ${response.status}` };
}

/** `POST /api/auth/indieauth`: where to send the browser to sign in to the viewer's own website. */
export function startIndieAuth(token: string, authHost: string): Promise<AuthAnswer<string>> {
  return authPost('/api/auth/indieauth', token, { authHost }, (json) => {
    const redirect = (json as { redirect?: unknown } | null)?.redirect;
    return typeof redirect === 'string' && redirect ? redirect : null;
  });
}

/** `POST /api/auth/fediverse`: the server sends a one-time code to the account by direct message. */
export function sendFediverseCode(token: string, account: string): Promise<AuthAnswer<true>> {
  return authPost('/api/auth/fediverse', token, { account }, () => true);
}

/** `POST /api/auth/fediverse/verify`: the code the viewer received. */
export function verifyFediverseCode(token: string, code: string): Promise<AuthAnswer<true>> {
  return authPost('/api/auth/fediverse/verify', token, { code }, () => true);
}
