// Clips (ours): a stretch of a replay with its own page, playlist and download.

export interface Clip {
  id: string;
  title: string;
  replayId: string;
  startTime: string;
  endTime: string;
  duration: number;
  size: number;
  createdAt: string;
  clippedBy: string;
  url: string;
}

export async function fetchClip(id: string): Promise<Clip> {
  const response = await fetch(`/api/clips/${encodeURIComponent(id)}`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`clip ${id}: HTTP ${response.status}`);
  return (await response.json()) as Clip;
}

/** Whether the replay the clip came from is still kept (its page can be linked). */
export async function replayExists(id: string): Promise<boolean> {
  const response = await fetch(`/api/replays/${encodeURIComponent(id)}`, { cache: 'no-store' });
  return response.ok;
}

export function clipPlaylist(id: string): string {
  return `/clip/${encodeURIComponent(id)}/stream.m3u8`;
}

/** The clip id of a `/clip/<id>` page address, or null. */
export function clipIdFromPath(path: string): string | null {
  const match = /^\/clip\/([A-Za-z0-9_-]{1,32})\/?$/.exec(path);
  return match ? match[1]! : null;
}
