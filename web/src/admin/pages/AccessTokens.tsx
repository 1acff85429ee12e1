// Integrations → Access Tokens: create with scopes, the token shown once with a copy button, delete
// (reference §2.3). The list shows only the start of each token.

import { useId, useState } from 'preact/hooks';
import { getJson, postForJson, postJson } from '../api';
import { DataTable, ErrorBanner, PageHeading } from '../components/bits';
import { CopyButton } from '../components/CopyButton';
import { Section } from '../components/fields';
import { Modal, useConfirm } from '../components/Modal';
import { SaveStatus, useSave } from '../components/save';
import { formatDateTime, formatRelative } from '../format';
import { usePoll } from '../poll';
import type { AccessToken } from '../types';

export const SCOPES: [string, string, string][] = [
  ['CAN_SEND_SYSTEM_MESSAGES', 'System messages', 'Send messages as the server.'],
  ['CAN_SEND_MESSAGES', 'User chat messages', 'Chat under the token’s name.'],
  ['HAS_ADMIN_ACCESS', 'Has admin access', 'Moderate chat and change settings through the integrations API.'],
];
const SCOPE_NAMES = Object.fromEntries(SCOPES.map(([key, label]) => [key, label]));

function CreateToken({ onClose, onCreated }: { onClose: () => void; onCreated: (token: AccessToken) => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Set<string>>(new Set(['CAN_SEND_MESSAGES']));
  const [error, setError] = useState<string | null>(null);
  const base = useId();
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!name.trim()) return setError('Give the token a name: it is the bot’s name in chat.');
    if (!scopes.size) return setError('Choose at least one permission.');
    try {
      const token = await postForJson<AccessToken>('/api/admin/accesstokens/create', { name: name.trim(), scopes: [...scopes] });
      onCreated(token);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <Modal title="Create an access token" onClose={onClose}>
      <form class="stack" onSubmit={submit} noValidate>
        <label for={`${base}-name`} class="setting-label">
          Name
        </label>
        <input id={`${base}-name`} value={name} maxLength={30} aria-describedby={`${base}-name-help`} onInput={(e) => setName(e.currentTarget.value)} />
        <p id={`${base}-name-help`} class="help">
          Messages sent with the token show this name in chat.
        </p>
        <fieldset class="fieldset">
          <legend>Permissions (cannot be changed later)</legend>
          {SCOPES.map(([key, label, help]) => (
            <div class="toggle-row" key={key}>
              <input
                id={`${base}-${key}`}
                type="checkbox"
                checked={scopes.has(key)}
                aria-describedby={`${base}-${key}-help`}
                onChange={() =>
                  setScopes((current) => {
                    const next = new Set(current);
                    if (next.has(key)) next.delete(key);
                    else next.add(key);
                    return next;
                  })
                }
              />
              <label for={`${base}-${key}`}>{label}</label>
              <span id={`${base}-${key}-help`} class="help inline">
                {help}
              </span>
            </div>
          ))}
        </fieldset>
        <p class="save-status save-error" role="status">
          {error}
        </p>
        <div class="modal-footer">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button primary">
            Create token
          </button>
        </div>
      </form>
    </Modal>
  );
}

function NewToken({ token, onClose }: { token: AccessToken; onClose: () => void }) {
  return (
    <Modal
      title="Your new access token"
      onClose={onClose}
      footer={
        <button type="button" class="button primary" onClick={onClose}>
          Done
        </button>
      }
    >
      <p>Copy it now: it is shown only this once.</p>
      <div class="token-box">
        <code class="break" id="new-token">
          {token.accessToken}
        </code>
        <CopyButton text={token.accessToken} what="access token" />
      </div>
      <p class="help">
        Send it as <code>Authorization: Bearer …</code> to the integrations API.
      </p>
    </Modal>
  );
}

export function AccessTokens() {
  const tokens = usePoll(() => getJson<AccessToken[]>('/api/admin/accesstokens'), 60_000);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<AccessToken | null>(null);
  const [confirm, dialog] = useConfirm();
  const { state, run } = useSave();
  const remove = async (token: AccessToken) => {
    const ok = await confirm({
      title: `Delete the token “${token.displayName}”?`,
      message: <p>Bots and tools using it stop working at once.</p>,
      confirmLabel: 'Delete',
      danger: true,
    });
    if (ok && (await run(() => postJson('/api/admin/accesstokens/delete', { token: token.accessToken }), 'Token deleted'))) {
      await tokens.reload();
    }
  };
  return (
    <>
      <PageHeading title="Access tokens" intro="Tokens let bots and tools use the integrations API: chat, system messages, moderation." />
      <ErrorBanner message={tokens.error} />
      <Section
        title="Your tokens"
        actions={
          <button type="button" class="button primary" onClick={() => setCreating(true)}>
            Create token
          </button>
        }
      >
        <SaveStatus id="tokens-status" state={state} />
        <DataTable
          caption="Access tokens"
          rows={tokens.data ?? []}
          rowKey={(token) => token.id}
          empty="No access tokens yet."
          columns={[
            { label: 'Name', render: (token) => token.displayName },
            { label: 'Permissions', render: (token) => token.scopes.map((scope) => SCOPE_NAMES[scope] ?? scope).join(', ') },
            { label: 'Token', render: (token) => <code>{token.accessToken.slice(0, 4)}…</code> },
            { label: 'Created', render: (token) => formatDateTime(token.createdAt) },
            { label: 'Last used', render: (token) => (token.lastUsedAt ? formatRelative(token.lastUsedAt) : 'Never') },
            {
              label: 'Actions',
              hideLabel: true,
              render: (token) => (
                <button type="button" class="button small danger" aria-label={`Delete token ${token.displayName}`} onClick={() => void remove(token)}>
                  Delete
                </button>
              ),
            },
          ]}
        />
      </Section>
      {creating && (
        <CreateToken
          onClose={() => setCreating(false)}
          onCreated={(token) => {
            setCreating(false);
            setCreated(token);
            void tokens.reload();
          }}
        />
      )}
      {created && <NewToken token={created} onClose={() => setCreated(null)} />}
      {dialog}
    </>
  );
}
