// Scheduled streams in the dashboard (Owncast's development-branch schedule): the shapes of
// /api/admin/schedule, and pure helpers that turn the form into what the server takes — a recurrence
// value (DTSTART with the zone + a weekly RRULE) or a one-off's UTC instant for a wall time in a zone.

export interface ScheduledEvent {
  id: string;
  seriesId?: string;
  name: string;
  description: string;
  reminderMessage?: string;
  startTime: string;
  durationMinutes: number;
  timezone: string;
  status: 'scheduled' | 'cancelled';
}

export interface EventSeries {
  id: string;
  name: string;
  description: string;
  reminderMessage?: string;
  recurrence: string;
  durationMinutes: number;
  active: boolean;
}

export interface AdminSchedule {
  series: EventSeries[];
  events: ScheduledEvent[];
}

export const WEEKDAYS: [string, string][] = [
  ['MO', 'Mon'],
  ['TU', 'Tue'],
  ['WE', 'Wed'],
  ['TH', 'Thu'],
  ['FR', 'Fri'],
  ['SA', 'Sat'],
  ['SU', 'Sun'],
];

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Every zone the browser knows, the browser's own first. */
export function knownZones(): string[] {
  const own = browserZone();
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const all = intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : ['UTC'];
  return [own, ...all.filter((zone) => zone !== own)];
}

/** "2026-07-06" + "18:00" → "20260706T180000". */
export function icalLocal(date: string, time: string): string {
  return `${date.replace(/-/g, '')}T${time.replace(':', '').padEnd(4, '0').slice(0, 4)}00`;
}

/** A weekly rule on `days` at `time` in `zone`, from `date`; `until` (a date) ends it after that day. */
export function weeklyRecurrence(date: string, time: string, zone: string, days: string[], until: string): string {
  let rule = `RRULE:FREQ=WEEKLY;BYDAY=${days.join(',')}`;
  if (until) {
    const end = zonedInstant(until, '23:59', zone);
    if (end) rule += `;UNTIL=${end.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}`;
  }
  return `DTSTART;TZID=${zone}:${icalLocal(date, time)}\n${rule}`;
}

/** The zone's UTC offset (ms) at `instant`. */
function offsetAt(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return wall - instant;
}

/** The instant of wall time `date` `time` in `zone` (null for a bad date or zone). */
export function zonedInstant(date: string, time: string, zone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const clock = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match || !clock) return null;
  const wall = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(clock[1]), Number(clock[2]));
  try {
    let guess = wall - offsetAt(wall, zone);
    guess = wall - offsetAt(guess, zone);
    return new Date(guess);
  } catch {
    return null;
  }
}

/** "Weekly on Mon, Fri at 18:00 (America/Los_Angeles)" for the rules the form writes; else the rule. */
export function describeRecurrence(value: string): string {
  const start = /DTSTART(?:;TZID=([^:]+))?:(\d{8})T(\d{2})(\d{2})/.exec(value);
  const rule = /RRULE:(.*)/.exec(value)?.[1] ?? '';
  const fields = Object.fromEntries(rule.split(';').map((part) => part.split('=') as [string, string]));
  if (!start || fields.FREQ !== 'WEEKLY' || !fields.BYDAY) return rule || value;
  const names = Object.fromEntries(WEEKDAYS);
  const days = fields.BYDAY.split(',')
    .map((day) => names[day] ?? day)
    .join(', ');
  const until = fields.UNTIL ? `, until ${fields.UNTIL.slice(0, 4)}-${fields.UNTIL.slice(4, 6)}-${fields.UNTIL.slice(6, 8)}` : '';
  return `Weekly on ${days} at ${start[3]}:${start[4]} (${start[1] ?? 'UTC'})${until}`;
}

/** The wall date ("2026-07-06") and time ("18:00") of `instant` in `zone`; null for a zone the browser lacks. */
export function wallTime(instant: Date, zone: string): { date: string; time: string } | null {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).formatToParts(instant);
    const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
    return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
  } catch {
    return null;
  }
}

/** A weekly rule as the form edits it. */
export interface WeeklyRule {
  zone: string;
  /** The first day (DTSTART's date), "2026-07-06". */
  date: string;
  time: string;
  days: string[];
  /** The last day in the rule's zone, or "" for none. */
  until: string;
}

/**
 * The form's fields for a rule of the kind the form writes — a DTSTART (with a zone, or UTC) at a whole
 * minute and `RRULE:FREQ=WEEKLY;BYDAY=…` with an optional `UNTIL` — else null: other rules (COUNT,
 * INTERVAL, other frequencies, written through the API) are shown as they are and not edited here.
 */
export function parseWeekly(value: string): WeeklyRule | null {
  const lines = value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.length !== 2) return null;
  const start = /^DTSTART(?:;TZID=([^:;"]+))?:(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})00(Z?)$/.exec(lines[0]);
  const rule = /^RRULE:(.+)$/.exec(lines[1]);
  if (!start || !rule || (start[1] && start[7])) return null;
  const fields: Record<string, string> = {};
  for (const part of rule[1].split(';')) {
    const [key, text, ...rest] = part.split('=');
    if (text === undefined || rest.length || key in fields) return null;
    fields[key] = text;
  }
  const known = new Set(['FREQ', 'BYDAY', 'UNTIL']);
  if (Object.keys(fields).some((key) => !known.has(key)) || fields.FREQ !== 'WEEKLY' || !fields.BYDAY) return null;
  const codes = WEEKDAYS.map(([day]) => day);
  const days = fields.BYDAY.split(',');
  if (!days.every((day) => codes.includes(day))) return null;
  const zone = start[1] ?? 'UTC';
  let until = '';
  if (fields.UNTIL !== undefined) {
    const end = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(fields.UNTIL);
    if (!end) return null;
    const instant = new Date(Date.UTC(+end[1], +end[2] - 1, +end[3], +end[4], +end[5], +end[6]));
    const local = wallTime(instant, zone);
    if (!local) return null;
    until = local.date;
  }
  return {
    zone,
    date: `${start[2]}-${start[3]}-${start[4]}`,
    time: `${start[5]}:${start[6]}`,
    days: codes.filter((day) => days.includes(day)),
    until,
  };
}
