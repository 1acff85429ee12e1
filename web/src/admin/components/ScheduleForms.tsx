// The Schedule page's dialogs: scheduling a stream (once or weekly), editing one stream (a one-time
// stream or one occurrence of a series) and editing a series. All go through
// `POST /api/admin/schedule/event` (with `id` for an edit, as newer Owncast's schedule takes it) and show
// the server's own error text inline; the form checks only what it can tell before asking.

import { useId, useState } from 'preact/hooks';
import { postForJson } from '../api';
import { formatDateTime } from '../format';
import {
  type AdminSchedule,
  browserZone,
  type EventSeries,
  knownZones,
  parseWeekly,
  type ScheduledEvent,
  wallTime,
  WEEKDAYS,
  weeklyRecurrence,
  zonedInstant,
} from '../schedule';
import { Modal } from './Modal';

const MAX_MINUTES = 10080;

function message(failure: unknown): string {
  return failure instanceof Error ? failure.message : String(failure);
}

/** Sends a create or an edit; the server's error text, or null when it was saved. */
async function saveEvent(body: Record<string, unknown>): Promise<string | null> {
  try {
    // A failure after the write comes back as 200 with `{"error": …}` (Owncast's shape).
    const answer = await postForJson<AdminSchedule & { error?: string }>('/api/admin/schedule/event', body);
    return answer.error ?? null;
  } catch (failure) {
    return message(failure);
  }
}

function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

interface Details {
  name: string;
  description: string;
  reminderMessage: string;
  duration: number;
}

function checkDetails(details: Details): string | null {
  if (!details.name.trim()) return 'Give the stream a name.';
  if (!(Number.isInteger(details.duration) && details.duration > 0 && details.duration <= MAX_MINUTES)) {
    return 'The length is a whole number of minutes, from 1 to 10080 (one week).';
  }
  return null;
}

function detailsBody(details: Details): Record<string, unknown> {
  return {
    name: details.name.trim(),
    description: details.description.trim(),
    reminderMessage: details.reminderMessage.trim(),
    durationMinutes: details.duration,
  };
}

/** Name, description and reminder text; the length is placed by each form with the times. */
function DetailFields({ base, details, change }: { base: string; details: Details; change: (next: Partial<Details>) => void }) {
  return (
    <>
      <label for={`${base}-name`} class="setting-label">
        Name
      </label>
      <input id={`${base}-name`} type="text" maxLength={255} value={details.name} onInput={(e) => change({ name: e.currentTarget.value })} />
      <label for={`${base}-description`} class="setting-label">
        Description (optional)
      </label>
      <textarea id={`${base}-description`} rows={2} value={details.description} onInput={(e) => change({ description: e.currentTarget.value })} />
      <label for={`${base}-reminder`} class="setting-label">
        Reminder message (optional)
      </label>
      <textarea
        id={`${base}-reminder`}
        rows={2}
        value={details.reminderMessage}
        aria-describedby={`${base}-reminder-help`}
        onInput={(e) => change({ reminderMessage: e.currentTarget.value })}
      />
      <p id={`${base}-reminder-help`} class="help">
        Sent before this stream instead of the reminder message in the settings above. Leave empty to use that one.
      </p>
    </>
  );
}

function DurationField({ base, details, change }: { base: string; details: Details; change: (next: Partial<Details>) => void }) {
  return (
    <>
      <label for={`${base}-duration`} class="setting-label">
        Length (minutes)
      </label>
      <input
        id={`${base}-duration`}
        type="number"
        min={1}
        max={MAX_MINUTES}
        value={details.duration}
        onInput={(e) => change({ duration: Number(e.currentTarget.value) })}
      />
    </>
  );
}

/** Days of the week, the last day, and the server's preview of the next dates. */
function WeeklyFields({
  base,
  days,
  setDays,
  until,
  setUntil,
  recurrence,
  setError,
}: {
  base: string;
  days: string[];
  setDays: (days: string[]) => void;
  until: string;
  setUntil: (until: string) => void;
  recurrence: () => string;
  setError: (error: string | null) => void;
}) {
  const [preview, setPreview] = useState<string[] | null>(null);
  const toggleDay = (day: string) =>
    setDays(WEEKDAYS.map(([d]) => d).filter((d) => (d === day ? !days.includes(d) : days.includes(d))));
  const showPreview = async () => {
    if (!days.length) return setError('Choose at least one day of the week.');
    try {
      const answer = await postForJson<{ occurrences: string[] }>('/api/admin/schedule/preview', { recurrence: recurrence() });
      setPreview(answer.occurrences);
      setError(null);
    } catch (failure) {
      setError(message(failure));
    }
  };
  return (
    <>
      <fieldset class="fieldset">
        <legend>On</legend>
        <div class="checkbox-grid">
          {WEEKDAYS.map(([day, label]) => (
            <div class="toggle-row" key={day}>
              <input id={`${base}-${day}`} type="checkbox" checked={days.includes(day)} onChange={() => toggleDay(day)} />
              <label for={`${base}-${day}`}>{label}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <label for={`${base}-until`} class="setting-label">
        Last day (optional)
      </label>
      <input id={`${base}-until`} type="date" value={until} onInput={(e) => setUntil(e.currentTarget.value)} />
      <div>
        <button type="button" class="button" onClick={() => void showPreview()}>
          Show the next dates
        </button>
      </div>
      {preview && (
        <ul class="plain-list" aria-label="The next dates">
          {preview.length ? preview.map((when) => <li key={when}>{formatDateTime(when)}</li>) : <li>No dates in the next year.</li>}
        </ul>
      )}
    </>
  );
}

function FormFooter({ error, onClose, submitLabel }: { error: string | null; onClose: () => void; submitLabel: string }) {
  return (
    <>
      <p class="save-status save-error" role="status">
        {error}
      </p>
      <div class="modal-footer">
        <button type="button" class="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" class="button primary">
          {submitLabel}
        </button>
      </div>
    </>
  );
}

export function AddStream({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const base = useId();
  const [kind, setKind] = useState<'once' | 'weekly'>('once');
  const [details, setDetails] = useState<Details>({ name: '', description: '', reminderMessage: '', duration: 60 });
  const [date, setDate] = useState(today());
  const [time, setTime] = useState('20:00');
  const [zone, setZone] = useState(browserZone());
  const [days, setDays] = useState<string[]>([]);
  const [until, setUntil] = useState('');
  const [error, setError] = useState<string | null>(null);
  const zones = knownZones();
  const change = (next: Partial<Details>) => setDetails((current) => ({ ...current, ...next }));

  const recurrence = () => weeklyRecurrence(date, time, zone, days, until);
  const submit = async (event: Event) => {
    event.preventDefault();
    const problem =
      checkDetails(details) ??
      (!date || !time ? 'Choose the date and time.' : null) ??
      (kind === 'weekly' && !days.length ? 'Choose at least one day of the week.' : null);
    if (problem) return setError(problem);
    const body = detailsBody(details);
    if (kind === 'weekly') {
      body.recurrence = recurrence();
    } else {
      const start = zonedInstant(date, time, zone);
      if (!start) return setError('Choose the date and time.');
      body.start = start.toISOString();
      body.timezone = zone;
    }
    const failure = await saveEvent(body);
    if (failure) return setError(failure);
    onSaved();
    onClose();
  };
  return (
    <Modal title="Schedule a stream" onClose={onClose} wide>
      <form class="stack" onSubmit={submit} noValidate>
        <fieldset class="fieldset">
          <legend>How often</legend>
          <div class="toggle-row">
            <input id={`${base}-once`} type="radio" name={`${base}-kind`} checked={kind === 'once'} onChange={() => setKind('once')} />
            <label for={`${base}-once`}>Once</label>
          </div>
          <div class="toggle-row">
            <input id={`${base}-weekly`} type="radio" name={`${base}-kind`} checked={kind === 'weekly'} onChange={() => setKind('weekly')} />
            <label for={`${base}-weekly`}>Every week</label>
          </div>
        </fieldset>
        <DetailFields base={base} details={details} change={change} />
        <div class="grid-2 tight">
          <div class="field">
            <label for={`${base}-date`} class="setting-label">
              {kind === 'weekly' ? 'First day' : 'Date'}
            </label>
            <input id={`${base}-date`} type="date" value={date} onInput={(e) => setDate(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for={`${base}-time`} class="setting-label">
              Start time
            </label>
            <input id={`${base}-time`} type="time" value={time} onInput={(e) => setTime(e.currentTarget.value)} />
          </div>
        </div>
        <label for={`${base}-zone`} class="setting-label">
          Time zone
        </label>
        <select id={`${base}-zone`} value={zone} onChange={(e) => setZone(e.currentTarget.value)}>
          {zones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
        {kind === 'weekly' && (
          <WeeklyFields base={base} days={days} setDays={setDays} until={until} setUntil={setUntil} recurrence={recurrence} setError={setError} />
        )}
        <DurationField base={base} details={details} change={change} />
        <FormFooter error={error} onClose={onClose} submitLabel="Schedule" />
      </form>
    </Modal>
  );
}

/**
 * Editing one stream: a one-time stream or one occurrence of a series. Its start moves only to a time
 * in the future, in the zone it was scheduled in (the server keeps the zone); a stream that has begun
 * keeps its start.
 */
export function EditEvent({
  event,
  seriesName,
  onClose,
  onSaved,
}: {
  event: ScheduledEvent;
  seriesName: string | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const base = useId();
  const startedAt = new Date(event.startTime);
  const original = wallTime(startedAt, event.timezone);
  const begun = startedAt.getTime() <= Date.now();
  const [details, setDetails] = useState<Details>({
    name: event.name,
    description: event.description,
    reminderMessage: event.reminderMessage ?? '',
    duration: event.durationMinutes,
  });
  const [date, setDate] = useState(original?.date ?? '');
  const [time, setTime] = useState(original?.time ?? '');
  const [error, setError] = useState<string | null>(null);
  const change = (next: Partial<Details>) => setDetails((current) => ({ ...current, ...next }));
  const movable = original !== null && !begun;

  const submit = async (submitted: Event) => {
    submitted.preventDefault();
    const problem = checkDetails(details) ?? (movable && (!date || !time) ? 'Choose the date and time.' : null);
    if (problem) return setError(problem);
    const body: Record<string, unknown> = { id: event.id, ...detailsBody(details) };
    if (movable && original && (date !== original.date || time !== original.time)) {
      const start = zonedInstant(date, time, event.timezone);
      if (!start) return setError('Choose the date and time.');
      body.start = start.toISOString(); // the server says so if it is in the past
    }
    const failure = await saveEvent(body);
    if (failure) return setError(failure);
    onSaved();
    onClose();
  };
  return (
    <Modal title={`Edit ${event.name}`} onClose={onClose} wide>
      <form class="stack" onSubmit={submit} noValidate>
        {seriesName !== null && (
          <p class="note">
            One stream of the weekly series “{seriesName}”. Changes here apply to this stream only; editing the series later
            replaces them.
          </p>
        )}
        <DetailFields base={base} details={details} change={change} />
        <div class="grid-2 tight">
          <div class="field">
            <label for={`${base}-date`} class="setting-label">
              Date
            </label>
            <input id={`${base}-date`} type="date" value={date} disabled={!movable} onInput={(e) => setDate(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for={`${base}-time`} class="setting-label">
              Start time
            </label>
            <input id={`${base}-time`} type="time" value={time} disabled={!movable} onInput={(e) => setTime(e.currentTarget.value)} />
          </div>
        </div>
        <p class="help">
          {begun
            ? 'This stream has begun: its start can no longer be moved.'
            : original
              ? `In ${event.timezone}, the zone it was scheduled in. A stream can only be moved to a time still to come.`
              : `This browser does not know the time zone ${event.timezone}: the start cannot be moved here.`}
        </p>
        <DurationField base={base} details={details} change={change} />
        <FormFooter error={error} onClose={onClose} submitLabel="Save" />
      </form>
    </Modal>
  );
}

/**
 * Editing a series. A weekly rule of the kind this form writes can be changed (days, time, first and last
 * day; the zone stays); any other rule is shown as it is and only the details are edited. Saving
 * replaces the series' coming streams, so edits of single streams of it are lost (the server's rule).
 */
export function EditSeries({ series, onClose, onSaved }: { series: EventSeries; onClose: () => void; onSaved: () => void }) {
  const base = useId();
  const weekly = parseWeekly(series.recurrence);
  const [details, setDetails] = useState<Details>({
    name: series.name,
    description: series.description,
    reminderMessage: series.reminderMessage ?? '',
    duration: series.durationMinutes,
  });
  const [date, setDate] = useState(weekly?.date ?? '');
  const [time, setTime] = useState(weekly?.time ?? '');
  const [days, setDays] = useState<string[]>(weekly?.days ?? []);
  const [until, setUntil] = useState(weekly?.until ?? '');
  const [error, setError] = useState<string | null>(null);
  const change = (next: Partial<Details>) => setDetails((current) => ({ ...current, ...next }));
  const zone = weekly?.zone ?? 'UTC';
  const recurrence = () => weeklyRecurrence(date, time, zone, days, until);

  const submit = async (event: Event) => {
    event.preventDefault();
    const problem =
      checkDetails(details) ??
      (weekly && (!date || !time) ? 'Choose the first day and the time.' : null) ??
      (weekly && !days.length ? 'Choose at least one day of the week.' : null);
    if (problem) return setError(problem);
    const body: Record<string, unknown> = { id: series.id, ...detailsBody(details) };
    if (weekly) {
      const rule = recurrence();
      if (rule !== series.recurrence) body.recurrence = rule; // none: the server keeps the stored rule
    }
    const failure = await saveEvent(body);
    if (failure) return setError(failure);
    onSaved();
    onClose();
  };
  return (
    <Modal title={`Edit ${series.name}`} onClose={onClose} wide>
      <form class="stack" onSubmit={submit} noValidate>
        <DetailFields base={base} details={details} change={change} />
        {weekly ? (
          <>
            <div class="grid-2 tight">
              <div class="field">
                <label for={`${base}-date`} class="setting-label">
                  First day
                </label>
                <input id={`${base}-date`} type="date" value={date} onInput={(e) => setDate(e.currentTarget.value)} />
              </div>
              <div class="field">
                <label for={`${base}-time`} class="setting-label">
                  Start time
                </label>
                <input id={`${base}-time`} type="time" value={time} onInput={(e) => setTime(e.currentTarget.value)} />
              </div>
            </div>
            <p class="help">In {zone}, the series' time zone.</p>
            <WeeklyFields base={base} days={days} setDays={setDays} until={until} setUntil={setUntil} recurrence={recurrence} setError={setError} />
          </>
        ) : (
          <div class="field">
            <p class="setting-label">Repeats</p>
            <pre class="mono recurrence-text">{series.recurrence}</pre>
            <p class="help">
              This rule was not written by this form, so only the details can be changed here. To change when it repeats, schedule a new
              series and delete this one.
            </p>
          </div>
        )}
        <DurationField base={base} details={details} change={change} />
        <p class="note">Saving replaces this series' coming streams: changes made to single streams of it are lost.</p>
        <FormFooter error={error} onClose={onClose} submitLabel="Save" />
      </form>
    </Modal>
  );
}
