// Replays (ours, issue 13): every stream recorded and kept as a replay. The settings (recording on or
// off, the reconnect window, retention), what the recordings take against their limit, and the list:
// each replay's page, its MP4 download and delete — except the one being recorded.

import { useEffect, useId, useState } from 'preact/hooks';
import { deleteForResult, getJson, saveSetting } from '../api';
import { DataTable, ErrorBanner, PageHeading } from '../components/bits';
import { Section, TextSetting, ToggleSetting } from '../components/fields';
import { useConfirm } from '../components/Modal';
import { SaveStatus, useSave } from '../components/save';
import { formatClock, formatDateTime, formatSize, plural } from '../format';
import { usePoll } from '../poll';
import { useAdmin, useConfig } from '../state';
import type { AdminReplay, RecordingUsage, ReplaySettings } from '../types';

export const LIST_POLL_MS = 10_000;
export const USAGE_POLL_MS = 30_000;
export const MAX_RECONNECT_WINDOW = 600;
const GIB = 1024 ** 3;

export const DEFAULT_REPLAY_SETTINGS: ReplaySettings = { enabled: true, reconnectWindow: 60, retention: { days: 0, bytes: 0 } };

/** "1.5" for 1.5 GiB, "" for 0 (unlimited). */
export function bytesToGib(bytes: number): string {
  if (!bytes) return '';
  return String(Math.round((bytes / GIB) * 100) / 100);
}

/** The retention form's text as the setter's value, or a message saying what is wrong. */
export function parseRetention(days: string, gib: string): { days: number; bytes: number } | string {
  const dayText = days.trim();
  const gibText = gib.trim();
  if (dayText && !/^\d+$/.test(dayText)) return 'Days must be a whole number (empty or 0: keep replays however old).';
  const dayCount = dayText ? Number(dayText) : 0;
  if (dayCount > 36500) return 'Days can be at most 36500.';
  if (gibText && !/^\d+(\.\d+)?$/.test(gibText)) return 'The size must be a number of GiB, e.g. 50 or 2.5 (empty or 0: no limit).';
  const bytes = gibText ? Math.round(Number(gibText) * GIB) : 0;
  return { days: dayCount, bytes };
}

function RetentionForm({ settings, onSaved }: { settings: ReplaySettings; onSaved: (retention: ReplaySettings['retention']) => void }) {
  const base = useId();
  const [days, setDays] = useState(settings.retention.days ? String(settings.retention.days) : '');
  const [gib, setGib] = useState(bytesToGib(settings.retention.bytes));
  const { state, run, fail, clear } = useSave();
  useEffect(() => {
    setDays(settings.retention.days ? String(settings.retention.days) : '');
    setGib(bytesToGib(settings.retention.bytes));
  }, [settings.retention.days, settings.retention.bytes]);
  const submit = async (event: Event) => {
    event.preventDefault();
    const value = parseRetention(days, gib);
    if (typeof value === 'string') return fail(value);
    if (await run(() => saveSetting('replays/retention', value), 'Retention saved')) onSaved(value);
  };
  return (
    <form class="setting" onSubmit={submit} noValidate aria-describedby={`${base}-help`}>
      <div class="inline-form retention-form">
        <label>
          Keep replays for (days)
          <input
            type="text"
            inputMode="numeric"
            value={days}
            placeholder="forever"
            aria-describedby={`${base}-status`}
            onInput={(event) => {
              setDays(event.currentTarget.value);
              clear();
            }}
          />
        </label>
        <label>
          Keep at most (GiB)
          <input
            type="text"
            inputMode="decimal"
            value={gib}
            placeholder="no limit"
            aria-describedby={`${base}-status`}
            onInput={(event) => {
              setGib(event.currentTarget.value);
              clear();
            }}
          />
        </label>
        <button type="submit" class="button primary" disabled={state.kind === 'saving'}>
          Save retention
        </button>
      </div>
      <p id={`${base}-help`} class="help">
        Finished replays older than this are removed, then the oldest ones while all of them take more than the size.
        The replay being recorded is never removed. Leave empty (or 0) for no limit.
      </p>
      <SaveStatus id={`${base}-status`} state={state} />
    </form>
  );
}

/** What the recordings take against their limit; a warning from 90 %. `compact` on Home. */
export function RecordingUsageCard({ usage, compact = false }: { usage: RecordingUsage; compact?: boolean }) {
  const percent = Math.round(usage.share * 100);
  const limitedByRetention = usage.limitBytes < usage.diskBudgetBytes;
  return (
    <section
      class={`card usage-card${usage.warning ? ' usage-warning' : ''}`}
      aria-labelledby="usage-heading"
      data-recording-usage
      data-warning={usage.warning ? 'true' : 'false'}
    >
      <div class="card-head">
        <h2 id="usage-heading">Recordings disk use</h2>
        {compact && (
          <a href="/admin/replays/" class="card-link">
            Replays
          </a>
        )}
      </div>
      <p class="usage-figures">
        <strong>{formatSize(usage.usedBytes)}</strong> of {formatSize(usage.limitBytes)} used ({percent} %)
      </p>
      <meter
        class="usage-meter"
        min={0}
        max={1}
        low={0.75}
        high={0.9}
        optimum={0}
        value={Math.min(usage.share, 1)}
        aria-label={`Recordings use ${percent} percent of their limit`}
      />
      {usage.warning && (
        <p class="banner usage-banner" role="status">
          The recordings are at {percent} % of their limit: the oldest finished replays will be removed to make room.
        </p>
      )}
      {!compact && (
        <dl class="facts">
          <div>
            <dt>Disk budget</dt>
            <dd>
              {formatSize(usage.diskBudgetBytes)} <span class="muted">(the --replay-disk-budget flag; default 20 % of the data disk)</span>
            </dd>
          </div>
          {limitedByRetention && (
            <div>
              <dt>Retention size</dt>
              <dd>{formatSize(usage.limitBytes)}, below the disk budget, so it is the limit</dd>
            </div>
          )}
          <div>
            <dt>Free on the data disk</dt>
            <dd>{formatSize(usage.diskFreeBytes)}</dd>
          </div>
          {usage.bucketBytes > 0 && (
            <div>
              <dt>Recorded to S3</dt>
              <dd>{formatSize(usage.bucketBytes)} in the bucket (counted by the retention size, not the disk budget)</dd>
            </div>
          )}
        </dl>
      )}
    </section>
  );
}

function stateOf(replay: AdminReplay, online: boolean): { text: string; style: string } {
  if (replay.recording) return online ? { text: 'Live', style: 'pill pill-live' } : { text: 'Waiting for reconnect', style: 'pill pill-warn' };
  if (replay.endTime === null) return { text: 'In progress', style: 'pill pill-warn' };
  return { text: 'Complete', style: 'pill pill-off' };
}

export function Replays() {
  const config = useConfig();
  const { patchConfig, status } = useAdmin();
  const settings = config.replays ?? DEFAULT_REPLAY_SETTINGS;
  const online = status?.online === true;
  const list = usePoll(() => getJson<AdminReplay[]>('/api/admin/replays'), LIST_POLL_MS);
  const usage = usePoll(() => getJson<RecordingUsage>('/api/admin/replays/usage'), USAGE_POLL_MS);
  const [confirm, dialog] = useConfirm();
  const removing = useSave();
  const rows = list.data ?? [];
  const patch = (change: Partial<ReplaySettings>) =>
    patchConfig((current) => ({ ...current, replays: { ...(current.replays ?? DEFAULT_REPLAY_SETTINGS), ...change } }));
  const remove = async (replay: AdminReplay) => {
    const ok = await confirm({
      title: `Delete “${replay.title || 'Untitled'}”?`,
      message: (
        <p>
          The replay of {formatDateTime(replay.startTime)} ({formatClock(replay.duration)}, {formatSize(replay.size)}) is
          removed for good, with its video files.
        </p>
      ),
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!ok) return;
    if (await removing.run(() => deleteForResult(`/api/admin/replays/${encodeURIComponent(replay.id)}`), 'Replay deleted')) {
      await Promise.all([list.reload(), usage.reload()]);
    }
  };
  return (
    <>
      <PageHeading
        title="Replays"
        intro="Every stream is recorded as it is sent to viewers (no extra encoding) and kept as a replay viewers can watch with its chat, download or delete."
      />
      <ErrorBanner message={list.error ?? usage.error} />
      {usage.data && <RecordingUsageCard usage={usage.data} />}
      <Section title="Recording">
        <ToggleSetting
          label="Record every stream as a replay"
          path="replays/enabled"
          value={settings.enabled}
          onSaved={(enabled) => patch({ enabled })}
          help="Applies from the next stream. Recording keeps every video segment on disk (the best quality only)."
        />
        <TextSetting
          label="Reconnect window (seconds)"
          path="replays/reconnectwindow"
          type="number"
          value={String(settings.reconnectWindow)}
          validate={(text) =>
            /^\d+$/.test(text) && Number(text) <= MAX_RECONNECT_WINDOW ? null : `Enter whole seconds from 0 to ${MAX_RECONNECT_WINDOW}.`
          }
          toValue={Number}
          onSaved={(text) => patch({ reconnectWindow: Number(text) })}
          help="If your encoder reconnects within this time, the stream continues the same replay. 0: a replay ends with its stream."
        />
        <RetentionForm settings={settings} onSaved={(retention) => patch({ retention })} />
      </Section>
      <Section title="Replays" description={rows.length ? `${plural(rows.length, 'replay')}.` : undefined}>
        <SaveStatus id="replays-status" state={removing.state} />
        <DataTable
          caption="Recorded replays, newest first"
          rows={rows}
          rowKey={(replay) => replay.id}
          rowClass={(replay) => (replay.recording ? 'row-recording' : undefined)}
          empty={settings.enabled ? 'No replays yet. Your next stream will be recorded.' : 'No replays. Recording is switched off.'}
          columns={[
            {
              label: 'Thumbnail',
              hideLabel: true,
              class: 'cell-thumbnail',
              render: (replay) =>
                replay.thumbnail ? (
                  <img class="replay-thumbnail" src={replay.thumbnail} alt="" loading="lazy" width={128} height={72} />
                ) : (
                  <span class="replay-thumbnail replay-thumbnail-empty" aria-hidden="true" />
                ),
            },
            {
              label: 'Title',
              render: (replay) => (
                <a href={`/replay/${encodeURIComponent(replay.id)}`} target="_blank" rel="noopener">
                  {replay.title || 'Untitled'}
                </a>
              ),
            },
            { label: 'Started', render: (replay) => formatDateTime(replay.startTime), class: 'nowrap' },
            { label: 'Duration', render: (replay) => formatClock(replay.duration), class: 'nowrap' },
            { label: 'Size', render: (replay) => formatSize(replay.size), class: 'nowrap' },
            {
              label: 'State',
              render: (replay) => {
                const state = stateOf(replay, online);
                return (
                  <span class="state-cell" data-state={state.text}>
                    <span class={state.style}>{state.text}</span>
                  </span>
                );
              },
            },
            {
              label: 'Actions',
              hideLabel: true,
              render: (replay) => (
                <span class="button-row">
                  <a
                    class="button small"
                    href={`/replay/${encodeURIComponent(replay.id)}/download.mp4`}
                    download
                    aria-label={`Download ${replay.title || 'Untitled'} as MP4`}
                  >
                    Download
                  </a>
                  {replay.recording ? (
                    <span class="muted">Being recorded</span>
                  ) : (
                    <button
                      type="button"
                      class="button small danger"
                      aria-label={`Delete ${replay.title || 'Untitled'}`}
                      onClick={() => void remove(replay)}
                    >
                      Delete
                    </button>
                  )}
                </span>
              ),
            },
          ]}
        />
      </Section>
      {dialog}
    </>
  );
}

/** Home's card: shown once recording is on or something is recorded. */
export function RecordingUsageSummary({ enabled }: { enabled: boolean }) {
  const usage = usePoll(() => getJson<RecordingUsage>('/api/admin/replays/usage'), USAGE_POLL_MS);
  if (!usage.data || (!enabled && usage.data.usedBytes === 0)) return null;
  return <RecordingUsageCard usage={usage.data} compact />;
}
