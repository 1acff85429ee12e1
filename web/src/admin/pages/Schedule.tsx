// Configuration → Schedule (Owncast's development-branch scheduled streams): the feature's settings, the
// recurring series and the coming streams, and a form for a one-time stream or a weekly series.

import { useId, useState } from 'preact/hooks';
import { getJson, postForJson, saveSetting } from '../api';
import { DataTable, ErrorBanner, PageHeading } from '../components/bits';
import { Section, TextSetting, ToggleSetting } from '../components/fields';
import { Modal, useConfirm } from '../components/Modal';
import { SaveStatus, useSave } from '../components/save';
import { formatDateTime } from '../format';
import { usePoll } from '../poll';
import {
  type AdminSchedule,
  browserZone,
  describeRecurrence,
  type EventSeries,
  knownZones,
  type ScheduledEvent,
  WEEKDAYS,
  weeklyRecurrence,
  zonedInstant,
} from '../schedule';
import { useAdmin, useConfig } from '../state';
import type { ServerConfig } from '../types';

type Settings = NonNullable<ServerConfig['schedule']>;
const DEFAULTS: Settings = {
  enabled: false,
  showCountdown: false,
  chatOpenMinutesBefore: 0,
  reminderMessage: '',
  firstReminderMinutes: 120,
  secondReminderMinutes: 15,
};
const CHAT_OPEN_CHOICES = [0, 5, 10, 30, 60];
const REMINDER_CHOICES = [0, 15, 30, 60, 120, 1440];

function minutesLabel(minutes: number): string {
  if (minutes === 0) return 'Off';
  if (minutes === 1440) return '1 day before';
  if (minutes >= 60) return `${minutes / 60} hour${minutes === 60 ? '' : 's'} before`;
  return `${minutes} minutes before`;
}

function ChoiceSetting({
  label,
  path,
  value,
  choices,
  help,
  onSaved,
}: {
  label: string;
  path: string;
  value: number;
  choices: number[];
  help: string;
  onSaved: (value: number) => void;
}) {
  const id = useId();
  const [current, setCurrent] = useState(value);
  const { state, run } = useSave();
  const change = async (event: Event) => {
    const next = Number((event.currentTarget as HTMLSelectElement).value);
    setCurrent(next);
    if (await run(() => saveSetting(path, next))) onSaved(next);
    else setCurrent(value);
  };
  return (
    <div class="setting">
      <label for={id} class="setting-label">
        {label}
      </label>
      <select id={id} value={String(current)} onChange={change} aria-describedby={`${id}-help ${id}-status`}>
        {choices.map((minutes) => (
          <option key={minutes} value={String(minutes)}>
            {minutesLabel(minutes)}
          </option>
        ))}
      </select>
      <p id={`${id}-help`} class="help">
        {help}
      </p>
      <SaveStatus id={`${id}-status`} state={state} />
    </div>
  );
}

function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function AddStream({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const base = useId();
  const [kind, setKind] = useState<'once' | 'weekly'>('once');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [date, setDate] = useState(today());
  const [time, setTime] = useState('20:00');
  const [zone, setZone] = useState(browserZone());
  const [days, setDays] = useState<string[]>([]);
  const [until, setUntil] = useState('');
  const [duration, setDuration] = useState(60);
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<string[] | null>(null);
  const zones = knownZones();

  const recurrence = () => weeklyRecurrence(date, time, zone, days, until);
  const check = (): string | null => {
    if (!name.trim()) return 'Give the stream a name.';
    if (!date || !time) return 'Choose the date and time.';
    if (kind === 'weekly' && !days.length) return 'Choose at least one day of the week.';
    if (!(duration > 0 && duration <= 10080)) return 'The length is between 1 minute and one week.';
    return null;
  };
  const showPreview = async () => {
    const problem = kind === 'weekly' && !days.length ? 'Choose at least one day of the week.' : null;
    if (problem) return setError(problem);
    try {
      const answer = await postForJson<{ occurrences: string[] }>('/api/admin/schedule/preview', { recurrence: recurrence() });
      setPreview(answer.occurrences);
      setError(null);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    const problem = check();
    if (problem) return setError(problem);
    const body: Record<string, unknown> = { name: name.trim(), description: description.trim(), durationMinutes: duration };
    if (kind === 'weekly') {
      body.recurrence = recurrence();
    } else {
      const start = zonedInstant(date, time, zone);
      if (!start) return setError('Choose the date and time.');
      body.start = start.toISOString();
      body.timezone = zone;
    }
    try {
      const answer = await postForJson<AdminSchedule & { error?: string }>('/api/admin/schedule/event', body);
      if (answer.error) return setError(answer.error);
      onSaved();
      onClose();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  const toggleDay = (day: string) =>
    setDays((current) => (current.includes(day) ? current.filter((d) => d !== day) : WEEKDAYS.map(([d]) => d).filter((d) => d === day || current.includes(d))));
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
        <label for={`${base}-name`} class="setting-label">
          Name
        </label>
        <input id={`${base}-name`} type="text" maxLength={255} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <label for={`${base}-description`} class="setting-label">
          Description (optional)
        </label>
        <textarea id={`${base}-description`} rows={2} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        <div class="grid-2">
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
        )}
        <label for={`${base}-duration`} class="setting-label">
          Length (minutes)
        </label>
        <input
          id={`${base}-duration`}
          type="number"
          min={1}
          max={10080}
          value={duration}
          onInput={(e) => setDuration(Number(e.currentTarget.value))}
        />
        <p class="save-status save-error" role="status">
          {error}
        </p>
        <div class="modal-footer">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button primary">
            Schedule
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function Schedule() {
  const config = useConfig();
  const { patchConfig } = useAdmin();
  const settings = config.schedule ?? DEFAULTS;
  const patch = (change: Partial<Settings>) => patchConfig((c) => ({ ...c, schedule: { ...(c.schedule ?? DEFAULTS), ...change } }));
  const schedule = usePoll(() => getJson<AdminSchedule>('/api/admin/schedule'), 60_000);
  const [adding, setAdding] = useState(false);
  const [confirm, dialog] = useConfirm();
  const { state, run } = useSave();
  const data = schedule.data;
  const upcoming = (data?.events ?? []).filter((event) => new Date(event.startTime).getTime() + event.durationMinutes * 60_000 > Date.now());
  const seriesName = Object.fromEntries((data?.series ?? []).map((series) => [series.id, series.name]));

  const act = async (body: { id: string; cancel?: boolean }, done: string) =>
    run(async () => {
      const answer = await postForJson<AdminSchedule & { error?: string }>('/api/admin/schedule/event/delete', body);
      if (answer.error) return { success: false, message: answer.error };
      await schedule.reload();
      return { success: true, message: done };
    });
  const removeSeries = async (series: EventSeries) => {
    const ok = await confirm({
      title: 'Delete this series?',
      message: <p>“{series.name}” and its coming streams are removed; past ones stay listed.</p>,
      confirmLabel: 'Delete',
      danger: true,
    });
    if (ok) await act({ id: series.id }, 'Series deleted');
  };
  const cancelEvent = async (event: ScheduledEvent) => {
    const ok = await confirm({
      title: 'Cancel this stream?',
      message: <p>“{event.name}” stays on the schedule marked as cancelled, and nobody is reminded of it.</p>,
      confirmLabel: 'Cancel the stream',
      danger: true,
    });
    if (ok) await act({ id: event.id, cancel: true }, 'Stream cancelled');
  };

  return (
    <>
      <PageHeading title="Schedule" intro="Tell viewers when you will be live: your page counts down to the next stream, and reminders go out before it starts." />
      <Section title="Settings">
        <ToggleSetting
          label="Publish the schedule"
          path="schedule/enabled"
          value={settings.enabled}
          help="Shows the next stream on your page while you are offline, and serves the schedule at /api/schedule and as a calendar at /api/schedule.ics."
          onSaved={(enabled) => patch({ enabled })}
        />
        <ToggleSetting
          label="Show a countdown"
          path="schedule/showcountdown"
          value={settings.showCountdown}
          help="Counts down to the next stream's start on your page."
          onSaved={(showCountdown) => patch({ showCountdown })}
        />
        <ChoiceSetting
          label="Open the chat early"
          path="schedule/chatopenminutes"
          value={settings.chatOpenMinutesBefore}
          choices={CHAT_OPEN_CHOICES}
          help="While you are offline, viewers can chat this long before a scheduled start. If you do not go live within ten minutes of the start, the chat closes again."
          onSaved={(chatOpenMinutesBefore) => patch({ chatOpenMinutesBefore })}
        />
        <TextSetting
          label="Reminder message"
          path="schedule/remindermessage"
          multiline
          rows={2}
          value={settings.reminderMessage}
          maxLength={16384}
          help="Sent through your notifications (browser notifications, Discord) before each scheduled stream, followed by its name, start and link. Leave empty for no reminders."
          onSaved={(reminderMessage) => patch({ reminderMessage })}
        />
        <div class="grid-2">
          <ChoiceSetting
            label="First reminder"
            path="schedule/firstreminderminutes"
            value={settings.firstReminderMinutes}
            choices={REMINDER_CHOICES}
            help="How long before the start."
            onSaved={(firstReminderMinutes) => patch({ firstReminderMinutes })}
          />
          <ChoiceSetting
            label="Second reminder"
            path="schedule/secondreminderminutes"
            value={settings.secondReminderMinutes}
            choices={REMINDER_CHOICES}
            help="How long before the start."
            onSaved={(secondReminderMinutes) => patch({ secondReminderMinutes })}
          />
        </div>
      </Section>
      <ErrorBanner message={schedule.error} />
      <Section
        title="Coming streams"
        actions={
          <button type="button" class="button primary" onClick={() => setAdding(true)}>
            Schedule a stream
          </button>
        }
      >
        <SaveStatus id="schedule-status" state={state} />
        <DataTable
          caption="Coming streams"
          rows={upcoming}
          rowKey={(event) => event.id}
          empty="Nothing scheduled yet."
          rowClass={(event) => (event.status === 'cancelled' ? 'row-muted' : undefined)}
          columns={[
            { label: 'Starts', render: (event) => <time dateTime={event.startTime}>{formatDateTime(event.startTime)}</time> },
            { label: 'Name', render: (event) => <span class="break">{event.name}</span> },
            { label: 'Series', render: (event) => (event.seriesId ? seriesName[event.seriesId] ?? 'Deleted series' : 'One time') },
            { label: 'Length', render: (event) => `${event.durationMinutes} min` },
            { label: 'Status', render: (event) => (event.status === 'cancelled' ? 'Cancelled' : 'Scheduled') },
            {
              label: 'Actions',
              hideLabel: true,
              render: (event) =>
                event.status === 'scheduled' ? (
                  <button type="button" class="button small danger" aria-label={`Cancel ${event.name}`} onClick={() => void cancelEvent(event)}>
                    Cancel
                  </button>
                ) : null,
            },
          ]}
        />
      </Section>
      <Section title="Weekly series">
        <DataTable
          caption="Weekly series"
          rows={data?.series ?? []}
          rowKey={(series) => series.id}
          empty="No recurring streams."
          columns={[
            { label: 'Name', render: (series) => <span class="break">{series.name}</span> },
            { label: 'When', render: (series) => <span class="break">{describeRecurrence(series.recurrence)}</span> },
            { label: 'Length', render: (series) => `${series.durationMinutes} min` },
            { label: 'State', render: (series) => (series.active ? 'Active' : 'Paused') },
            {
              label: 'Actions',
              hideLabel: true,
              render: (series) => (
                <div class="button-row">
                  {series.active && (
                    <button type="button" class="button small" aria-label={`Pause ${series.name}`} onClick={() => void act({ id: series.id, cancel: true }, 'Series paused')}>
                      Pause
                    </button>
                  )}
                  <button type="button" class="button small danger" aria-label={`Delete ${series.name}`} onClick={() => void removeSeries(series)}>
                    Delete
                  </button>
                </div>
              ),
            },
          ]}
        />
      </Section>
      {adding && <AddStream onClose={() => setAdding(false)} onSaved={() => void schedule.reload()} />}
      {dialog}
    </>
  );
}
