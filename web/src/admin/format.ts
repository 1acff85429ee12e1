// Text for dates, durations, sizes and user agents. Pure functions, no DOM.

export function parseTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  // Python writes microseconds; Date wants at most milliseconds.
  const when = new Date(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(when.getTime()) ? null : when;
}

export function formatDateTime(value: string | null | undefined): string {
  const when = parseTime(value);
  if (!when) return '—';
  return when.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "21:04:07" today, "Dec 1, 21:04" otherwise: for lists where most entries are recent. */
export function formatStamp(value: string | null | undefined, now: Date = new Date()): string {
  const when = parseTime(value);
  if (!when) return '—';
  if (when.toDateString() === now.toDateString()) {
    return when.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }
  return when.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function formatTime(value: string | null | undefined): string {
  const when = parseTime(value);
  if (!when) return '—';
  return when.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** "3 minutes ago", "2 hours ago", "yesterday", or the date. */
export function formatRelative(value: string | null | undefined, now: number = Date.now()): string {
  const when = parseTime(value);
  if (!when) return '—';
  const seconds = Math.round((now - when.getTime()) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  const days = Math.round(hours / 24);
  if (days < 7) return `${days} day${days === 1 ? '' : 's'} ago`;
  return when.toLocaleDateString();
}

/** "1:02:03" (hours unbounded) for an elapsed time in seconds. */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  return `${hours}:${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}

/** "2 h 5 min" for how long something has lasted. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days) return `${days} d ${hours} h`;
  if (hours) return `${hours} h ${minutes} min`;
  if (minutes) return `${minutes} min`;
  return `${s} s`;
}

export function formatKbps(kbps: number): string {
  if (!kbps) return '—';
  return kbps >= 1000 ? `${(kbps / 1000).toFixed(kbps % 1000 === 0 ? 0 : 1)} Mbit/s` : `${Math.round(kbps)} kbit/s`;
}

/** "Firefox 128 on Linux" from a User-Agent header; the raw text when nothing is recognised. */
export function describeUserAgent(agent: string): string {
  if (!agent) return 'Unknown';
  const browsers: [RegExp, string][] = [
    [/Edg\/(\d+)/, 'Edge'],
    [/OPR\/(\d+)/, 'Opera'],
    [/Firefox\/(\d+)/, 'Firefox'],
    [/Chrome\/(\d+)/, 'Chrome'],
    [/Version\/(\d+)[^ ]* (?:Mobile\/\S+ )?Safari/, 'Safari'],
  ];
  const systems: [RegExp, string][] = [
    [/Android/, 'Android'],
    [/iPhone|iPad|iPod/, 'iOS'],
    [/Windows/, 'Windows'],
    [/Mac OS X|Macintosh/, 'macOS'],
    [/CrOS/, 'ChromeOS'],
    [/Linux/, 'Linux'],
  ];
  let browser = '';
  for (const [pattern, name] of browsers) {
    const match = pattern.exec(agent);
    if (match) {
      browser = `${name} ${match[1]}`;
      break;
    }
  }
  const system = systems.find(([pattern]) => pattern.test(agent))?.[1] ?? '';
  if (browser && system) return `${browser} on ${system}`;
  return browser || system || agent.slice(0, 60);
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

const SIZE_UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];

/** "1.4 GiB" (binary units, as `--replay-disk-budget` takes them). */
export function formatSize(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)} bytes`;
  return `${value.toFixed(value < 10 ? 1 : 0)} ${SIZE_UNITS[unit]}`;
}
