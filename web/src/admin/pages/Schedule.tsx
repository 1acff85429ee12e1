// Configuration → Schedule (Owncast's development-branch scheduled streams): the feature's settings, the
// coming streams (edit, cancel, delete a one-time one) and the recurring series (edit, pause, delete),
// and a form for a one-time stream or a weekly series (the dialogs are in components/ScheduleForms).

import { useId, useState } from 'preact/hooks';
import { getJson, postForJson, saveSetting } from '../api';
import { DataTable, ErrorBanner, PageHeading } from '../components/bits';
import { Section, TextSetting, ToggleSetting } from '../components/fields';
import { useConfirm } from '../components/Modal';
import { AddStream, EditEvent, EditSeries } from '../components/ScheduleForms';
import { SaveStatus, useSave } from '../components/save';
import { formatDateTime } from '../format';
import { usePoll } from '../poll';
import { type AdminSchedule, describeRecurrence, type EventSeries, type ScheduledEvent } from '../schedule';
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

export function Schedule() {
  const config = useConfig();
  const { patchConfig } = useAdmin();
  const settings = config.schedule ?? DEFAULTS;
  const patch = (change: Partial<Settings>) => patchConfig((c) => ({ ...c, schedule: { ...(c.schedule ?? DEFAULTS), ...change } }));
  const schedule = usePoll(() => getJson<AdminSchedule>('/api/admin/schedule'), 60_000);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<{ event: ScheduledEvent } | { series: EventSeries } | null>(null);
  const [confirm, dialog] = useConfirm();
  const { state, run } = useSave();
  const data = schedule.data;
  const upcoming = (data?.events ?? []).filter((event) => new Date(event.startTime).getTime() + event.durationMinutes * 60_000 > Date.now());
  const seriesName = Object.fromEntries((data?.series ?? []).map((series) => [series.id, series.name]));
  const reload = () => void schedule.reload();

  const act = async (body: { id: string; cancel?: boolean }, done: string) =>
    run(async () => {
      try {
        const answer = await postForJson<AdminSchedule & { error?: string }>('/api/admin/schedule/event/delete', body);
        if (answer.error) return { success: false, message: answer.error };
      } finally {
        await schedule.reload(); // also after a refusal: the row may have changed meanwhile
      }
      return { success: true, message: done };
    }, done);
  const removeSeries = async (series: EventSeries) => {
    const ok = await confirm({
      title: 'Delete this series?',
      message: <p>“{series.name}” and its coming streams are removed; past ones stay listed.</p>,
      confirmLabel: 'Delete',
      danger: true,
    });
    if (ok) await act({ id: series.id }, 'Series deleted');
  };
  const pauseSeries = async (series: EventSeries) => {
    const ok = await confirm({
      title: 'Pause this series?',
      message: (
        <p>
          “{series.name}” adds no more streams to the schedule; those already listed stay (cancel them one by one). A paused series cannot be
          resumed: schedule a new one instead.
        </p>
      ),
      confirmLabel: 'Pause',
    });
    if (ok) await act({ id: series.id, cancel: true }, 'Series paused');
  };
  const cancelEvent = async (event: ScheduledEvent) => {
    const ok = await confirm({
      title: 'Cancel this stream?',
      message: <p>“{event.name}” stays on the schedule marked as cancelled, and nobody is reminded of it. This cannot be undone.</p>,
      confirmLabel: 'Cancel the stream',
      danger: true,
    });
    if (ok) await act({ id: event.id, cancel: true }, 'Stream cancelled');
  };
  const removeEvent = async (event: ScheduledEvent) => {
    const ok = await confirm({
      title: 'Delete this stream?',
      message: <p>“{event.name}” is removed from the schedule.</p>,
      confirmLabel: 'Delete',
      danger: true,
    });
    if (ok) await act({ id: event.id }, 'Stream deleted');
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
              render: (event) => (
                // A series' occurrence is dropped by cancelling it: a deleted one would come back on the next
                // expansion of its series (the server's rule), so only one-time streams offer Delete.
                <div class="button-row">
                  {event.status === 'scheduled' && (
                    <>
                      <button type="button" class="button small" aria-label={`Edit ${event.name}, ${formatDateTime(event.startTime)}`} onClick={() => setEditing({ event })}>
                        Edit
                      </button>
                      <button type="button" class="button small danger" aria-label={`Cancel ${event.name}, ${formatDateTime(event.startTime)}`} onClick={() => void cancelEvent(event)}>
                        Cancel
                      </button>
                    </>
                  )}
                  {!event.seriesId && (
                    <button type="button" class="button small danger" aria-label={`Delete ${event.name}, ${formatDateTime(event.startTime)}`} onClick={() => void removeEvent(event)}>
                      Delete
                    </button>
                  )}
                </div>
              ),
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
                  <button type="button" class="button small" aria-label={`Edit the series ${series.name}`} onClick={() => setEditing({ series })}>
                    Edit
                  </button>
                  {series.active && (
                    <button type="button" class="button small" aria-label={`Pause the series ${series.name}`} onClick={() => void pauseSeries(series)}>
                      Pause
                    </button>
                  )}
                  <button type="button" class="button small danger" aria-label={`Delete the series ${series.name}`} onClick={() => void removeSeries(series)}>
                    Delete
                  </button>
                </div>
              ),
            },
          ]}
        />
      </Section>
      {adding && <AddStream onClose={() => setAdding(false)} onSaved={reload} />}
      {editing && 'event' in editing && (
        <EditEvent
          event={editing.event}
          seriesName={editing.event.seriesId ? (seriesName[editing.event.seriesId] ?? 'Deleted series') : null}
          onClose={() => setEditing(null)}
          onSaved={reload}
        />
      )}
      {editing && 'series' in editing && <EditSeries series={editing.series} onClose={() => setEditing(null)} onSaved={reload} />}
      {dialog}
    </>
  );
}
