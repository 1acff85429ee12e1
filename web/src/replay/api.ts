// Replays (ours): the list, one replay, and its chat as it was.

export interface Replay {
  id: string;
  title: string;
  startTime: string;
  endTime: string | null;
  duration: number;
  size: number;
  thumbnail: string | null;
}

export interface ReplayMessage {
  id: string;
  type: string;
  timestamp: string;
  body: string;
  user?: { displayName?: string; displayColor?: number };
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { cache: 'no-store', credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

export function fetchReplays(): Promise<Replay[]> {
  return getJson<Replay[]>('/api/replays');
}

export function fetchReplay(id: string): Promise<Replay> {
  return getJson<Replay>(`/api/replays/${encodeURIComponent(id)}`);
}

export function fetchReplayChat(id: string): Promise<ReplayMessage[]> {
  return getJson<ReplayMessage[]>(`/api/replays/${encodeURIComponent(id)}/chat`);
}

export function replayPlaylist(id: string): string {
  return `/replay/${encodeURIComponent(id)}/stream.m3u8`;
}

/** The replay id of a `/replay/<id>` page address, or null. */
export function replayIdFromPath(path: string): string | null {
  const match = /^\/replay\/([A-Za-z0-9_-]{1,32})\/?$/.exec(path);
  return match ? match[1]! : null;
}

/** "1:02:03" or "2:03". */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/**
 * The messages sent up to `at` (ms since the epoch), given `times` sorted ascending: how many to show.
 * Chat replay is by wall-clock time against the video's program date time, so a reconnect or a seek
 * never puts the chat out of step.
 */
export function countUpTo(times: readonly number[], at: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (times[middle]! <= at) low = middle + 1;
    else high = middle;
  }
  return low;
}
