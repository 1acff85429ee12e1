// DVR while live: how far back the live player can go, and where a seek on the scrubber lands. Pure rules
// (tested in web/test/player-units.ts); the Player applies them.
//
// Everything is in the server's wall clock: the playlists' EXT-X-PROGRAM-DATE-TIME are, and /api/dvr
// says what time it is there (`skew` corrects this browser's clock). A position on the scrubber is
// "seconds behind now". The live playlist holds the last few segments (its window depends on the latency
// level, 25–32 s); further back the player switches to the DVR playlist of the recording being made
// (/replay/<id>/dvr.m3u8) and back to the live playlist on LIVE. With recording off there is no DVR
// playlist: the scrubber then reaches as far as the live playlist does. A window of 0 turns DVR off.

export const DVR_INFO_URL = '/api/dvr';
/** Arrow keys on the scrubber move this many seconds; Page Up / Page Down ten times as far. */
export const SCRUB_STEP_S = 10;
export const SCRUB_PAGE_S = 60;
/** A live-playlist target this close to its oldest segment is taken from the DVR playlist instead (that
 * segment is about to slide out of the live window). */
export const LIVE_WINDOW_MARGIN_S = 4;
/** A DVR-playlist target this close to its newest segment goes back to the live playlist. */
export const DVR_EDGE_MARGIN_S = 1;

export interface DvrInfo {
  /** The admin's DVR window in seconds (0: DVR off). */
  window: number;
  /** The live stream is being recorded (with DVR on): a playlist comes once something is kept. */
  recording: boolean;
  /** The DVR playlist (the recording being made), or null (recording off, or nothing recorded yet). */
  playlist: string | null;
  /** When that recording started (ms, server clock), or null. */
  start: number | null;
  /** The server's clock minus this browser's (ms). */
  skew: number;
}

export interface DateRange {
  /** ms since the epoch, server clock. */
  start: number;
  end: number;
}

function parseDate(raw: unknown): number | null {
  if (typeof raw !== 'string') return null;
  const time = Date.parse(raw);
  return Number.isNaN(time) ? null : time;
}

/** /api/dvr's answer, the clock skew measured from the middle of the request. */
export function readDvrInfo(raw: unknown, sentAt: number, receivedAt: number): DvrInfo {
  const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const window = typeof body.window === 'number' && body.window > 0 ? body.window : 0;
  const now = parseDate(body.now);
  return {
    window,
    recording: window > 0 && body.recording === true,
    playlist: window > 0 && typeof body.playlist === 'string' && body.playlist.startsWith('/') ? body.playlist : null,
    start: parseDate(body.start),
    skew: now === null ? 0 : now - (sentAt + receivedAt) / 2,
  };
}

export async function fetchDvrInfo(): Promise<DvrInfo | null> {
  const sentAt = Date.now();
  try {
    const response = await fetch(DVR_INFO_URL, { cache: 'no-store', credentials: 'same-origin' });
    if (!response.ok) return null;
    return readDvrInfo(await response.json(), sentAt, Date.now());
  } catch {
    return null;
  }
}

/** The oldest moment the viewer can go back to (ms), or null when nothing can be rewound. */
export function earliestDate(info: DvrInfo | null, now: number, live: DateRange | null, dvr: DateRange | null): number | null {
  if (!info || info.window <= 0) return null;
  const floor = now - info.window * 1000;
  const candidates: number[] = [];
  if (live) candidates.push(Math.max(floor, live.start));
  if (dvr) candidates.push(Math.max(floor, dvr.start));
  if (info.playlist && info.start !== null) candidates.push(Math.max(floor, info.start));
  return candidates.length ? Math.min(...candidates) : null;
}

/** Where a seek goes: back to the live edge, within what is attached now, or to the DVR playlist. */
export type SeekPlan = { to: 'live' } | { to: 'here'; date: number } | { to: 'dvr'; date: number };

export interface SeekContext {
  /** The attached source: the live playlist or the DVR playlist. */
  source: 'live' | 'dvr';
  /** Server clock, ms. */
  now: number;
  /** Seconds behind now that still count as live (the player's target latency plus its slack). */
  liveSlack: number;
  /** What the attached playlist covers (null: not known yet). */
  attached: DateRange | null;
  /** A DVR playlist exists. */
  dvrAvailable: boolean;
}

export function planSeek(secondsBehind: number, context: SeekContext): SeekPlan {
  if (secondsBehind <= context.liveSlack) return { to: 'live' };
  const date = context.now - secondsBehind * 1000;
  const range = context.attached;
  if (context.source === 'live') {
    if (range && date >= range.start + LIVE_WINDOW_MARGIN_S * 1000) return { to: 'here', date };
    if (context.dvrAvailable) return { to: 'dvr', date };
    return { to: 'here', date: range ? Math.max(date, range.start + 1000) : date };
  }
  if (range && date > range.end - DVR_EDGE_MARGIN_S * 1000) return { to: 'live' };
  return { to: 'here', date: range ? Math.max(date, range.start) : date };
}

/** The scrubber's keys: the new number of seconds behind, or null for a key it does not take. Left and
 * Down go back in time, Right and Up forward; Home to the oldest, End to live. */
export function scrubKey(key: string, behind: number, reach: number): number | null {
  const clamp = (value: number): number => Math.min(reach, Math.max(0, value));
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      return clamp(behind + SCRUB_STEP_S);
    case 'ArrowRight':
    case 'ArrowUp':
      return clamp(behind - SCRUB_STEP_S);
    case 'PageDown':
      return clamp(behind + SCRUB_PAGE_S);
    case 'PageUp':
      return clamp(behind - SCRUB_PAGE_S);
    case 'Home':
      return reach;
    case 'End':
      return 0;
    default:
      return null;
  }
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "-1:23:45", "-2:05", "-0:00". */
export function formatBehind(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `-${h}:${two(m)}:${two(s)}` : `-${m}:${two(s)}`;
}

/** What a screen reader says for a scrubber position: "1 hour 23 minutes 45 seconds behind live". */
export function spokenBehind(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  if (total === 0) return 'Live';
  const units: Array<[number, string]> = [
    [Math.floor(total / 3600), 'hour'],
    [Math.floor((total % 3600) / 60), 'minute'],
    [total % 60, 'second'],
  ];
  const words = units.filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`);
  return `${words.join(' ')} behind live`;
}

/** A fragment of an hls.js playlist, as far as dates go. */
export interface DatedFragment {
  start: number;
  duration: number;
  programDateTime: number | null;
}

/** The position (s, on the player's timeline) that shows `date`: inside the fragment that holds it, at
 * the start of the next one when it falls in a gap (the publisher was away), clamped to the playlist. */
export function positionOfDate(fragments: readonly DatedFragment[], date: number): number | null {
  let last: DatedFragment | null = null;
  for (const fragment of fragments) {
    const pdt = fragment.programDateTime;
    if (pdt === null) continue;
    if (date < pdt) return fragment.start;
    if (date < pdt + fragment.duration * 1000) return fragment.start + (date - pdt) / 1000;
    last = fragment;
  }
  return last ? last.start + Math.max(0, last.duration - 0.5) : null;
}

/** The dates a playlist covers (null without dated fragments). */
export function rangeOfFragments(fragments: readonly DatedFragment[]): DateRange | null {
  const dated = fragments.filter((fragment) => fragment.programDateTime !== null);
  if (!dated.length) return null;
  const first = dated[0]!;
  const last = dated[dated.length - 1]!;
  return { start: first.programDateTime!, end: last.programDateTime! + last.duration * 1000 };
}
