// Pure text helpers for the status strip and links. No DOM access here.

/** "H:MM:SS", prefixed with "N day(s) " past 24 hours. */
export function formatElapsed(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const clock = `${hours}:${pad(minutes)}:${pad(seconds)}`;
  if (days === 0) return clock;
  return `${days} ${days === 1 ? 'day' : 'days'} ${clock}`;
}

export function formatViewers(count: number): string {
  return `${count} ${count === 1 ? 'viewer' : 'viewers'}`;
}

/** "Last live: Today 14:05" on the same day, else the locale date. Empty when unknown. */
export function formatLastLive(lastDisconnect: string | null, now: Date): string {
  if (!lastDisconnect) return '';
  const when = new Date(lastDisconnect);
  if (Number.isNaN(when.getTime())) return '';
  const sameDay =
    when.getFullYear() === now.getFullYear() &&
    when.getMonth() === now.getMonth() &&
    when.getDate() === now.getDate();
  if (sameDay) return `Last live: Today ${pad(when.getHours())}:${pad(when.getMinutes())}`;
  return `Last live: ${when.toLocaleDateString()}`;
}

/**
 * Returns the absolute URL when `raw` is an http(s) link (relative links resolve against the page),
 * otherwise null, so `javascript:`, `data:` and friends never reach an href or src.
 */
export function safeHttpUrl(raw: string | undefined | null, base: string = location.href): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "Sent at 21:04", with the date when the message is not from the last 24 hours. */
export function formatSentAt(time: number, now: number): string {
  const when = new Date(time);
  if (Number.isNaN(when.getTime())) return '';
  const clock = `${pad(when.getHours())}:${pad(when.getMinutes())}`;
  if (now - time < 86_400_000) return `Sent at ${clock}`;
  return `Sent at ${clock} on ${when.toLocaleDateString()}`;
}

/** "Chatting here since 3/1/2022" from a user's createdAt; empty when unknown. */
export function formatChattingSince(createdAt: string | undefined): string {
  if (!createdAt) return '';
  const when = new Date(createdAt.replace(/(\.\d{3})\d+/, '$1'));
  if (Number.isNaN(when.getTime())) return '';
  return `Chatting here since ${when.toLocaleDateString()}`;
}

/** "3 minutes ago", "2 hours ago", "5 days ago"; empty when unknown. */
export function formatAgo(iso: string | null, now: Date): string {
  if (!iso) return '';
  const when = new Date(iso).getTime();
  if (Number.isNaN(when)) return '';
  const seconds = Math.max(0, (now.getTime() - when) / 1000);
  const units: [number, string][] = [
    [86_400 * 365, 'year'],
    [86_400 * 30, 'month'],
    [86_400 * 7, 'week'],
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    const count = Math.floor(seconds / size);
    if (count >= 1) return `${count} ${name}${count === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}
