// Simulcast: the stream forwarded to other platforms at once. The list shows each destination's live
// state (polled), an enable switch and the last error; add/edit suggests the big platforms' server URLs.
// The stream key is typed in its own field, hidden, and only ever shown masked in the list.

import { useEffect, useId, useState } from 'preact/hooks';
import { getJson, postForJson, postJson } from '../api';
import { DataTable, ErrorBanner, PageHeading } from '../components/bits';
import { Section } from '../components/fields';
import { Modal, useConfirm } from '../components/Modal';
import { SaveStatus, useSave } from '../components/save';
import { formatDuration, formatKbps, plural } from '../format';
import { usePoll } from '../poll';
import { useConfig } from '../state';
import type { RestreamDestination, RestreamStatus, VideoVariant } from '../types';

export const STATUS_POLL_MS = 3_000;

export interface Platform {
  key: string;
  name: string;
  /** The server part, or a pattern the user completes. */
  server: string;
  help: string;
}

export const PLATFORMS: Platform[] = [
  {
    key: 'youtube',
    name: 'YouTube',
    server: 'rtmps://a.rtmp.youtube.com/live2',
    help: 'YouTube Studio → Go live → Stream: copy the stream key.',
  },
  {
    key: 'youtube-backup',
    name: 'YouTube (backup)',
    server: 'rtmps://b.rtmp.youtube.com/live2?backup=1',
    help: 'The backup ingest of the same YouTube stream key.',
  },
  {
    key: 'twitch',
    name: 'Twitch',
    server: 'rtmp://live.twitch.tv/app',
    help: 'Twitch Creator Dashboard → Settings → Stream: the primary stream key. A nearer ingest is rtmp://<region>.contribute.live-video.net/app.',
  },
  {
    key: 'facebook',
    name: 'Facebook',
    server: 'rtmps://live-api-s.facebook.com:443/rtmp',
    help: 'Facebook Live Producer → Streaming software: copy the stream key.',
  },
  {
    key: 'kick',
    name: 'Kick',
    server: 'rtmps://',
    help: 'Kick → Settings → Stream URL & Key: paste the stream URL here (it ends in .live-video.net/app).',
  },
  { key: 'custom', name: 'Other RTMP server', server: 'rtmp://', help: 'The server URL (rtmp:// or rtmps://) up to the stream key.' },
];

/** `rtmps://host/app/key` → server and key, as the form edits them. */
export function splitUrl(url: string): { server: string; key: string } {
  const slash = url.lastIndexOf('/');
  if (slash < 0 || slash < url.indexOf('://') + 3) return { server: url, key: '' };
  return { server: url.slice(0, slash), key: url.slice(slash + 1) };
}

export function joinUrl(server: string, key: string): string {
  return `${server.trim().replace(/\/+$/, '')}/${key.trim()}`;
}

export function platformOf(server: string): Platform {
  return PLATFORMS.find((platform) => platform.server.length > 8 && server === platform.server) ?? PLATFORMS[PLATFORMS.length - 1];
}

export function variantLabel(variant: number | null, variants: VideoVariant[]): string {
  if (variant === null) return 'Source (as received)';
  const known = variants[variant];
  return known ? `Variant ${variant + 1}: ${known.name || 'unnamed'}` : `Variant ${variant + 1} (no longer configured)`;
}

const STATE_TEXT: Record<string, string> = {
  idle: 'Idle',
  connecting: 'Connecting',
  live: 'Live',
  retrying: 'Retrying',
  failed: 'Failed',
};

function stateClass(state: string): string {
  if (state === 'live') return 'pill pill-live';
  if (state === 'failed') return 'pill pill-failed';
  if (state === 'retrying' || state === 'connecting') return 'pill pill-warn';
  return 'pill pill-off';
}

export function StateCell({ status }: { status: RestreamStatus }) {
  let detail = '';
  if (status.state === 'live') detail = `${formatKbps(status.bitrate)} · ${formatDuration(status.uptime ?? 0)}`;
  else if (status.state === 'retrying' && status.retryIn !== null) detail = `next try in ${Math.ceil(status.retryIn)} s`;
  else if (status.state === 'idle') detail = status.enabled ? 'starts when you go live' : 'switched off';
  else if (status.state === 'failed') detail = 'edit or switch it on again to retry';
  return (
    <span class="state-cell" data-state={status.state}>
      <span class={stateClass(status.state)}>{STATE_TEXT[status.state] ?? status.state}</span>
      {detail && <span class="state-detail">{detail}</span>}
    </span>
  );
}

function DestinationForm({
  editing,
  variants,
  onClose,
  onSaved,
}: {
  editing: RestreamDestination | null;
  variants: VideoVariant[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const initial = editing ? splitUrl(editing.url) : { server: PLATFORMS[0].server, key: '' };
  const [platform, setPlatform] = useState<Platform>(editing ? platformOf(initial.server) : PLATFORMS[0]);
  const [name, setName] = useState(editing?.name ?? PLATFORMS[0].name);
  const [server, setServer] = useState(initial.server);
  const [key, setKey] = useState(initial.key);
  const [showKey, setShowKey] = useState(false);
  const [variant, setVariant] = useState<string>(editing?.variant === null || !editing ? '' : String(editing.variant));
  const [enabled, setEnabled] = useState(editing?.enabled ?? true);
  const [error, setError] = useState<string | null>(null);
  const base = useId();
  const choose = (next: Platform) => {
    if (!name.trim() || name === platform.name) setName(next.key === 'custom' ? '' : next.name);
    setPlatform(next);
    setServer(next.server);
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!name.trim()) return setError('Give the destination a name.');
    if (!/^rtmps?:\/\/[^/]+\/.+/i.test(server.trim())) {
      return setError('Enter the server URL, rtmp:// or rtmps://, including the application (e.g. /live2).');
    }
    if (!key.trim()) return setError('Enter the stream key the platform gave you.');
    const body = {
      name: name.trim(),
      url: joinUrl(server, key),
      enabled,
      variant: variant === '' ? null : Number(variant),
    };
    try {
      if (editing) await postForJson<RestreamDestination>('/api/admin/restream/destinations/update', { id: editing.id, ...body });
      else await postForJson<RestreamDestination>('/api/admin/restream/destinations/create', body);
      onSaved();
      onClose();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <Modal title={editing ? `Edit ${editing.name}` : 'Add a destination'} onClose={onClose}>
      <form class="stack" onSubmit={submit} noValidate>
        <label for={`${base}-platform`} class="setting-label">
          Platform
        </label>
        <select
          id={`${base}-platform`}
          value={platform.key}
          onChange={(event) => choose(PLATFORMS.find((p) => p.key === event.currentTarget.value) ?? PLATFORMS[0])}
        >
          {PLATFORMS.map((option) => (
            <option key={option.key} value={option.key}>
              {option.name}
            </option>
          ))}
        </select>
        <label for={`${base}-name`} class="setting-label">
          Name
        </label>
        <input id={`${base}-name`} type="text" maxLength={100} value={name} onInput={(event) => setName(event.currentTarget.value)} />
        <label for={`${base}-server`} class="setting-label">
          Server URL
        </label>
        <input
          id={`${base}-server`}
          type="url"
          value={server}
          spellcheck={false}
          aria-describedby={`${base}-server-help`}
          onInput={(event) => setServer(event.currentTarget.value)}
        />
        <p id={`${base}-server-help`} class="help">
          {platform.help}
        </p>
        <label for={`${base}-key`} class="setting-label">
          Stream key
        </label>
        <div class="key-row">
          <input
            id={`${base}-key`}
            type={(showKey ? 'text' : 'password') as 'text'}
            autocomplete="off"
            spellcheck={false}
            value={key}
            onInput={(event) => setKey(event.currentTarget.value)}
          />
          <button type="button" class="button" aria-pressed={showKey} onClick={() => setShowKey(!showKey)}>
            {showKey ? 'Hide' : 'Show'}
          </button>
        </div>
        <label for={`${base}-variant`} class="setting-label">
          What to send
        </label>
        <select
          id={`${base}-variant`}
          value={variant}
          aria-describedby={`${base}-variant-help`}
          onChange={(event) => setVariant(event.currentTarget.value)}
        >
          <option value="">{variantLabel(null, variants)}</option>
          {variants.map((_, index) => (
            <option key={index} value={String(index)}>
              {variantLabel(index, variants)}
            </option>
          ))}
        </select>
        <p id={`${base}-variant-help`} class="help">
          The source is forwarded exactly as your encoder sends it, with no extra work for the server. A variant sends
          one of your video settings' renditions, a few seconds later than the source.
        </p>
        <div class="toggle-row">
          <input id={`${base}-enabled`} type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.currentTarget.checked)} />
          <label for={`${base}-enabled`}>Send the stream here when I go live</label>
        </div>
        <p class="save-status save-error" role="status">
          {error}
        </p>
        <div class="modal-footer">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button primary">
            {editing ? 'Save' : 'Add'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The row's switch: flips at once, and back if the server refuses. */
function EnabledSwitch({ row, toggle }: { row: RestreamStatus; toggle: (row: RestreamStatus, enabled: boolean) => Promise<boolean> }) {
  const [checked, setChecked] = useState(row.enabled);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!busy) setChecked(row.enabled);
  }, [row.enabled, busy]);
  const change = async (event: Event) => {
    const next = (event.currentTarget as HTMLInputElement).checked;
    setChecked(next);
    setBusy(true);
    if (!(await toggle(row, next))) setChecked(!next);
    setBusy(false);
  };
  return (
    <input
      type="checkbox"
      role="switch"
      class="switch"
      checked={checked}
      disabled={busy}
      aria-label={`Send to ${row.name}`}
      onChange={(event) => void change(event)}
    />
  );
}

export function Simulcast() {
  const config = useConfig();
  const variants = config.videoSettings.videoQualityVariants ?? [];
  const statuses = usePoll(() => getJson<RestreamStatus[]>('/api/admin/restream/status'), STATUS_POLL_MS);
  const [form, setForm] = useState<{ editing: RestreamDestination | null } | null>(null);
  const [confirm, dialog] = useConfirm();
  const { state, run, fail } = useSave();
  const rows = statuses.data ?? [];
  const live = rows.filter((row) => row.state === 'live').length;
  const edit = async (row: RestreamStatus) => {
    try {
      const all = await getJson<RestreamDestination[]>('/api/admin/restream/destinations');
      const found = all.find((destination) => destination.id === row.id);
      if (found) setForm({ editing: found });
    } catch (failure) {
      fail(failure instanceof Error ? failure.message : String(failure));
    }
  };
  const toggle = async (row: RestreamStatus, enabled: boolean): Promise<boolean> => {
    const message = enabled ? `${row.name} switched on` : `${row.name} switched off`;
    const ok = await run(() => postJson('/api/admin/restream/destinations/update', { id: row.id, enabled }), message);
    if (ok) await statuses.reload();
    return ok;
  };
  const remove = async (row: RestreamStatus) => {
    const ok = await confirm({
      title: `Delete ${row.name}?`,
      message: <p class="break">{row.displayUrl}</p>,
      confirmLabel: 'Delete',
      danger: true,
    });
    if (ok && (await run(() => postJson('/api/admin/restream/destinations/delete', { id: row.id }), `${row.name} deleted`))) {
      await statuses.reload();
    }
  };
  return (
    <>
      <PageHeading
        title="Simulcast"
        intro="Go live on other platforms at the same time: Ownstream forwards your stream to each destination on its own, so one that breaks never touches the others or your viewers here."
      />
      <ErrorBanner message={statuses.error} />
      <Section
        title="Destinations"
        description={rows.length ? `${plural(rows.length, 'destination')}, ${live} live.` : undefined}
        actions={
          <button type="button" class="button primary" onClick={() => setForm({ editing: null })}>
            Add destination
          </button>
        }
      >
        <SaveStatus id="simulcast-status" state={state} />
        <DataTable
          caption="Simulcast destinations"
          rows={rows}
          rowKey={(row) => String(row.id)}
          empty="No destinations yet. Add YouTube, Twitch or any RTMP server to go live there too."
          columns={[
            { label: 'Name', render: (row) => <strong>{row.name}</strong> },
            { label: 'Server', render: (row) => <span class="break">{row.displayUrl}</span> },
            { label: 'Sends', render: (row) => variantLabel(row.variant, variants) },
            { label: 'State', render: (row) => <StateCell status={row} /> },
            {
              label: 'Last error',
              render: (row) => (row.lastError ? <span class="log-message">{row.lastError}</span> : '—'),
            },
            {
              label: 'On',
              render: (row) => <EnabledSwitch row={row} toggle={toggle} />,
            },
            {
              label: 'Actions',
              hideLabel: true,
              render: (row) => (
                <span class="button-row">
                  <button type="button" class="button small" aria-label={`Edit ${row.name}`} onClick={() => void edit(row)}>
                    Edit
                  </button>
                  <button type="button" class="button small danger" aria-label={`Delete ${row.name}`} onClick={() => void remove(row)}>
                    Delete
                  </button>
                </span>
              ),
            },
          ]}
        />
      </Section>
      {form && (
        <DestinationForm editing={form.editing} variants={variants} onClose={() => setForm(null)} onSaved={() => void statuses.reload()} />
      )}
      {dialog}
    </>
  );
}

/** Home's badge: how many destinations are live (or why not), linking here. */
export function SimulcastBadge({ online }: { online: boolean }) {
  const statuses = usePoll(() => getJson<RestreamStatus[]>('/api/admin/restream/status'), online ? STATUS_POLL_MS : 30_000, online);
  const rows = (statuses.data ?? []).filter((row) => row.enabled);
  if (!rows.length) return null;
  const live = rows.filter((row) => row.state === 'live').length;
  const troubled = rows.filter((row) => row.state === 'failed' || row.state === 'retrying').length;
  const text = online ? `Simulcast: ${live} of ${rows.length} live` : `Simulcast: ${plural(rows.length, 'destination')} ready`;
  const style = !online ? 'pill pill-off' : troubled ? 'pill pill-failed' : live === rows.length ? 'pill pill-live' : 'pill pill-warn';
  return (
    <p class="simulcast-badge" data-simulcast-badge>
      <a href="/admin/simulcast/" class={style}>
        {text}
        {online && troubled ? ` · ${troubled} in trouble` : ''}
      </a>
    </p>
  );
}
