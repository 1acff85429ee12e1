// Clips (ours, issue 13): whether clips can be cut, how long they may be and who besides the admin may
// cut them; the list of clips with a link to each clip's page and a delete; and a form to cut one from
// the live stream or a replay.

import { useId, useState } from 'preact/hooks';
import { deleteForResult, getJson, postForJson, saveSetting } from '../api';
import { DataTable, ErrorBanner, PageHeading } from '../components/bits';
import { Section, TextSetting, ToggleSetting } from '../components/fields';
import { Modal, useConfirm } from '../components/Modal';
import { SaveStatus, useSave } from '../components/save';
import { formatClock, formatDateTime, formatRelative } from '../format';
import { usePoll } from '../poll';
import { useAdmin, useConfig } from '../state';
import type { AdminClip, ClipPermission } from '../types';

export const CLIP_PERMISSIONS: [ClipPermission, string, string][] = [
  ['admin', 'Only me', 'Only the admin can cut clips (here, or with the admin API).'],
  ['moderators', 'Moderators', 'Chat moderators can cut clips too.'],
  ['everyone', 'Everyone in chat', 'Any chat user can cut clips (at most 10 an hour each; moderators have no limit).'],
];
const DEFAULTS = { enabled: true, maxDuration: 60, permission: 'moderators' as ClipPermission };

/** "12.3 MB" */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function PermissionSetting({ value, onSaved }: { value: ClipPermission; onSaved: (value: ClipPermission) => void }) {
  const id = useId();
  const [chosen, setChosen] = useState(value);
  const { state, run } = useSave();
  const change = async (event: Event) => {
    const next = (event.currentTarget as HTMLSelectElement).value as ClipPermission;
    setChosen(next);
    if (await run(() => saveSetting('clips/permission', next), 'Saved')) onSaved(next);
    else setChosen(value);
  };
  const help = CLIP_PERMISSIONS.find(([key]) => key === chosen)?.[2] ?? '';
  return (
    <div class="setting">
      <label for={id} class="setting-label">
        Who can cut clips
      </label>
      <select id={id} value={chosen} onChange={change} aria-describedby={`${id}-help ${id}-status`}>
        {CLIP_PERMISSIONS.map(([key, label]) => (
          <option value={key} key={key}>
            {label}
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

function ClipSettings() {
  const config = useConfig();
  const { patchConfig } = useAdmin();
  const clips = config.clips ?? DEFAULTS;
  const patch = (change: Partial<typeof DEFAULTS>) => patchConfig((c) => ({ ...c, clips: { ...(c.clips ?? DEFAULTS), ...change } }));
  return (
    <Section title="Clip settings">
      <ToggleSetting
        label="Allow clips"
        path="clips/enabled"
        value={clips.enabled}
        help="A clip is a stretch of a stream (live or a replay) with its own page and download. It keeps its video when the replay is deleted."
        onSaved={(enabled) => patch({ enabled })}
      />
      <TextSetting
        label="Longest clip (seconds)"
        path="clips/maxduration"
        type="number"
        inputMode="numeric"
        value={String(clips.maxDuration)}
        help="From 1 to 3600. Clips are cut on segment boundaries, so one may come out a few seconds longer."
        validate={(text) => (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 3600 ? null : 'Enter a whole number of seconds from 1 to 3600.')}
        toValue={(text) => Number(text)}
        onSaved={(text) => patch({ maxDuration: Number(text) })}
      />
      <PermissionSetting value={clips.permission} onSaved={(permission) => patch({ permission })} />
    </Section>
  );
}

interface ReplayChoice {
  id: string;
  title: string;
  startTime: string;
  endTime: string | null;
}

function CutClip({ onClose, onCut }: { onClose: () => void; onCut: () => void }) {
  const replays = usePoll(() => getJson<ReplayChoice[]>('/api/replays'), 60_000);
  const [replay, setReplay] = useState('');
  const [title, setTitle] = useState('');
  const [start, setStart] = useState('-30');
  const [end, setEnd] = useState('');
  const [error, setError] = useState<string | null>(null);
  const base = useId();
  const submit = async (event: Event) => {
    event.preventDefault();
    const number = (text: string) => (text.trim() === '' ? null : Number(text));
    const from = number(start);
    const to = number(end);
    if (from === null || Number.isNaN(from) || (to !== null && Number.isNaN(to))) {
      return setError('Enter the start (and the end, if any) in seconds.');
    }
    try {
      await postForJson<AdminClip>('/api/admin/clips', { title: title.trim(), replayId: replay || null, start: from, end: to });
      onCut();
      onClose();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <Modal title="Cut a clip" onClose={onClose}>
      <form class="stack" onSubmit={submit} noValidate>
        <label for={`${base}-replay`} class="setting-label">
          From
        </label>
        <select id={`${base}-replay`} value={replay} onChange={(e) => setReplay(e.currentTarget.value)}>
          <option value="">The live stream</option>
          {(replays.data ?? []).map((item) => (
            <option value={item.id} key={item.id}>
              {item.title || 'Untitled'} · {formatDateTime(item.startTime)}
              {item.endTime === null ? ' (recording)' : ''}
            </option>
          ))}
        </select>
        <label for={`${base}-title`} class="setting-label">
          Title
        </label>
        <input id={`${base}-title`} value={title} maxLength={200} placeholder="The stream's title" onInput={(e) => setTitle(e.currentTarget.value)} />
        <label for={`${base}-start`} class="setting-label">
          Start (seconds into the stream; negative: back from its end)
        </label>
        <input id={`${base}-start`} inputMode="numeric" value={start} onInput={(e) => setStart(e.currentTarget.value)} />
        <label for={`${base}-end`} class="setting-label">
          End (seconds; empty: the end so far)
        </label>
        <input id={`${base}-end`} inputMode="numeric" value={end} onInput={(e) => setEnd(e.currentTarget.value)} />
        <p class="save-status save-error" role="status">
          {error}
        </p>
        <div class="modal-footer">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button primary">
            Cut clip
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function Clips() {
  const clips = usePoll(() => getJson<AdminClip[]>('/api/clips'), 30_000);
  const [cutting, setCutting] = useState(false);
  const [confirm, dialog] = useConfirm();
  const { state, run } = useSave();
  const remove = async (clip: AdminClip) => {
    const ok = await confirm({
      title: 'Delete this clip?',
      message: <p>“{clip.title}” and its video are deleted; its page stops working.</p>,
      confirmLabel: 'Delete',
      danger: true,
    });
    if (ok && (await run(() => deleteForResult(`/api/admin/clips/${encodeURIComponent(clip.id)}`), 'Clip deleted'))) {
      await clips.reload();
    }
  };
  return (
    <>
      <PageHeading title="Clips" intro="Short stretches of your streams that you, your moderators or your viewers cut, each with its own page." />
      <ErrorBanner message={clips.error} />
      <ClipSettings />
      <Section
        title="Your clips"
        actions={
          <button type="button" class="button primary" onClick={() => setCutting(true)}>
            Cut a clip
          </button>
        }
      >
        <SaveStatus id="clips-status" state={state} />
        <DataTable
          caption="Clips"
          rows={clips.data ?? []}
          rowKey={(clip) => clip.id}
          empty="No clips yet."
          columns={[
            {
              label: 'Title',
              render: (clip) => (
                <a href={clip.url} target="_blank" rel="noopener">
                  {clip.title || 'Untitled'}
                </a>
              ),
            },
            { label: 'Length', render: (clip) => formatClock(clip.duration) },
            { label: 'Size', render: (clip) => formatSize(clip.size) },
            { label: 'Clipped by', render: (clip) => clip.clippedBy },
            {
              label: 'Created',
              render: (clip) => <span title={formatDateTime(clip.createdAt)}>{formatRelative(clip.createdAt)}</span>,
            },
            {
              label: 'Actions',
              hideLabel: true,
              render: (clip) => (
                <button type="button" class="button small danger" aria-label={`Delete clip ${clip.title}`} onClick={() => void remove(clip)}>
                  Delete
                </button>
              ),
            },
          ]}
        />
      </Section>
      {cutting && <CutClip onClose={() => setCutting(false)} onCut={() => void clips.reload()} />}
      {dialog}
    </>
  );
}
