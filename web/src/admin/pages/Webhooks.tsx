// Integrations → Webhooks: create with event checkboxes, delete, last used (reference §2.3).

import { useId, useState } from 'preact/hooks';
import { getJson, postForJson, postJson } from '../api';
import { DataTable, ErrorBanner, PageHeading } from '../components/bits';
import { Section } from '../components/fields';
import { Modal, useConfirm } from '../components/Modal';
import { SaveStatus, useSave } from '../components/save';
import { formatDateTime, formatRelative } from '../format';
import { usePoll } from '../poll';
import { isHttpUrl } from '../safe';
import type { Webhook } from '../types';

export const WEBHOOK_EVENTS: [string, string][] = [
  ['CHAT', 'Chat messages'],
  ['USER_JOINED', 'User joined'],
  ['NAME_CHANGE', 'User name changed'],
  ['VISIBILITY-UPDATE', 'Message visibility changed'],
  ['STREAM_STARTED', 'Stream started'],
  ['STREAM_STOPPED', 'Stream stopped'],
  ['STREAM_TITLE_UPDATED', 'Stream title changed'],
  ['RESTREAM_STARTED', 'Simulcast destination live'],
  ['RESTREAM_FAILED', 'Simulcast destination lost or refused'],
  ['REPLAY_READY', 'Replay ready'],
  ['CLIP_CREATED', 'Clip created'],
  ['SCHEDULED_EVENTS', 'Scheduled stream: 10 minutes before, started, ended'],
];
const EVENT_NAMES = Object.fromEntries(WEBHOOK_EVENTS);

function CreateWebhook({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const base = useId();
  const all = events.size === WEBHOOK_EVENTS.length;
  const toggle = (event: string) =>
    setEvents((current) => {
      const next = new Set(current);
      if (next.has(event)) next.delete(event);
      else next.add(event);
      return next;
    });
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!isHttpUrl(url)) return setError('Enter the full http:// or https:// address of your receiver.');
    if (!events.size) return setError('Choose at least one event.');
    try {
      await postForJson<Webhook>('/api/admin/webhooks/create', { url: url.trim(), events: [...events] });
      onCreated();
      onClose();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <Modal title="Create a webhook" onClose={onClose}>
      <form class="stack" onSubmit={submit} noValidate>
        <label for={`${base}-url`} class="setting-label">
          Webhook URL
        </label>
        <input
          id={`${base}-url`}
          type="url"
          value={url}
          placeholder="https://bot.example.com/owncast"
          onInput={(event) => setUrl(event.currentTarget.value)}
        />
        <fieldset class="fieldset">
          <legend>Events</legend>
          <div class="toggle-row">
            <input
              id={`${base}-all`}
              type="checkbox"
              checked={all}
              onChange={() => setEvents(all ? new Set() : new Set(WEBHOOK_EVENTS.map(([key]) => key)))}
            />
            <label for={`${base}-all`}>Select all</label>
          </div>
          <div class="checkbox-grid">
            {WEBHOOK_EVENTS.map(([key, label]) => (
              <div class="toggle-row" key={key}>
                <input id={`${base}-${key}`} type="checkbox" checked={events.has(key)} onChange={() => toggle(key)} />
                <label for={`${base}-${key}`}>{label}</label>
              </div>
            ))}
          </div>
        </fieldset>
        <p class="save-status save-error" role="status">
          {error}
        </p>
        <div class="modal-footer">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button primary">
            Create
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function Webhooks() {
  const hooks = usePoll(() => getJson<Webhook[]>('/api/admin/webhooks'), 30_000);
  const [creating, setCreating] = useState(false);
  const [confirm, dialog] = useConfirm();
  const { state, run } = useSave();
  const remove = async (hook: Webhook) => {
    const ok = await confirm({ title: 'Delete this webhook?', message: <p>{hook.url}</p>, confirmLabel: 'Delete', danger: true });
    if (ok && (await run(() => postJson('/api/admin/webhooks/delete', { id: hook.id }), 'Webhook deleted'))) {
      await hooks.reload();
    }
  };
  return (
    <>
      <PageHeading title="Webhooks" intro="Ownstream calls these addresses when something happens: a chat message, the stream starting, and more." />
      <ErrorBanner message={hooks.error} />
      <Section
        title="Your webhooks"
        actions={
          <button type="button" class="button primary" onClick={() => setCreating(true)}>
            Create webhook
          </button>
        }
      >
        <SaveStatus id="webhooks-status" state={state} />
        <DataTable
          caption="Webhooks"
          rows={hooks.data ?? []}
          rowKey={(hook) => String(hook.id)}
          empty="No webhooks yet."
          columns={[
            { label: 'URL', render: (hook) => <span class="break">{hook.url}</span> },
            { label: 'Events', render: (hook) => hook.events.map((event) => EVENT_NAMES[event] ?? event).join(', ') },
            {
              label: 'Last used',
              render: (hook) => (hook.lastUsed ? <span title={formatDateTime(hook.lastUsed)}>{formatRelative(hook.lastUsed)}</span> : 'Never'),
            },
            {
              label: 'Actions',
              hideLabel: true,
              render: (hook) => (
                <button type="button" class="button small danger" aria-label={`Delete webhook ${hook.url}`} onClick={() => void remove(hook)}>
                  Delete
                </button>
              ),
            },
          ]}
        />
      </Section>
      {creating && <CreateWebhook onClose={() => setCreating(false)} onCreated={() => void hooks.reload()} />}
      {dialog}
    </>
  );
}
