// A chat user's details with Ban/Unban and Make/Remove moderator (reference §2.3, Chat → Users).

import { useState } from 'preact/hooks';
import { postJson } from '../api';
import { describeUserAgent, formatDateTime, formatDuration, parseTime } from '../format';
import type { ChatClient, ChatUser } from '../types';
import { Modal, useConfirm } from './Modal';
import { SaveStatus, useSave } from './save';

export const MODERATOR_SCOPE = 'MODERATOR';

export function isModerator(user: ChatUser): boolean {
  return (user.scopes ?? []).includes(MODERATOR_SCOPE);
}

export function UserName({ user }: { user: ChatUser }) {
  return (
    <span class={`user-name user-color-${(user.displayColor ?? 0) % 8}`}>
      {user.displayName}
      {isModerator(user) && (
        <span class="badge" title="Moderator">
          mod
        </span>
      )}
      {user.disabledAt && <span class="badge badge-danger">banned</span>}
    </span>
  );
}

export function UserDetails({
  user,
  clients,
  onClose,
  onChanged,
}: {
  user: ChatUser;
  clients: ChatClient[];
  onClose: () => void;
  onChanged: (user: ChatUser) => void;
}) {
  const [current, setCurrent] = useState(user);
  const [confirm, dialog] = useConfirm();
  const { state, run } = useSave();
  const connections = clients.filter((client) => client.user.id === current.id);
  const banned = Boolean(current.disabledAt);
  const moderator = isModerator(current);
  const previous = (current.previousNames ?? []).filter((name) => name !== current.displayName);

  const setBanned = async (ban: boolean) => {
    if (ban) {
      const ok = await confirm({
        title: `Ban ${current.displayName}?`,
        message: (
          <p>
            <strong>{current.displayName}</strong> is disconnected and cannot chat any more, and every message they
            sent is hidden.
          </p>
        ),
        confirmLabel: 'Ban',
        danger: true,
      });
      if (!ok) return;
    }
    const done = await run(
      () => postJson('/api/admin/chat/users/setenabled', { userId: current.id, enabled: !ban }),
      ban ? 'Banned' : 'Unbanned',
    );
    if (done) {
      const next = { ...current, disabledAt: ban ? new Date().toISOString() : null };
      setCurrent(next);
      onChanged(next);
    }
  };

  const setModerator = async (make: boolean) => {
    const done = await run(
      () => postJson('/api/admin/chat/users/setmoderator', { userId: current.id, isModerator: make }),
      make ? 'Now a moderator' : 'No longer a moderator',
    );
    if (done) {
      const scopes = (current.scopes ?? []).filter((scope) => scope !== MODERATOR_SCOPE);
      const next = { ...current, scopes: make ? [...scopes, MODERATOR_SCOPE] : scopes };
      setCurrent(next);
      onChanged(next);
    }
  };

  return (
    <Modal
      title={`User: ${current.displayName}`}
      onClose={onClose}
      footer={
        <>
          <button type="button" class="button" onClick={() => void setModerator(!moderator)}>
            {moderator ? 'Remove moderator' : 'Make moderator'}
          </button>
          <button
            type="button"
            class={`button ${banned ? 'primary' : 'danger'}`}
            onClick={() => void setBanned(!banned)}
          >
            {banned ? 'Unban this user' : 'Ban this user'}
          </button>
        </>
      }
    >
      <dl class="facts">
        <div>
          <dt>Name</dt>
          <dd>
            <UserName user={current} />
          </dd>
        </div>
        <div>
          <dt>First seen</dt>
          <dd>{formatDateTime(current.createdAt)}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            {banned
              ? `Banned ${formatDateTime(current.disabledAt)}`
              : connections.length
                ? `Connected (${connections.length} ${connections.length === 1 ? 'tab' : 'tabs'})`
                : 'Not connected'}
          </dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{moderator ? 'Moderator' : current.isBot ? 'Bot' : 'Viewer'}</dd>
        </div>
        {current.authenticated && (
          <div>
            <dt>Authenticated</dt>
            <dd>{(current.authProviders ?? []).join(', ') || 'Yes'}</dd>
          </div>
        )}
        {previous.length > 0 && (
          <div>
            <dt>Previously known as</dt>
            <dd>
              {previous.join(', ')}
              {current.nameChangedAt && <span class="muted"> (renamed {formatDateTime(current.nameChangedAt)})</span>}
            </dd>
          </div>
        )}
        {connections.map((client) => {
          const since = parseTime(client.connectedAt);
          return (
            <div key={client.clientId}>
              <dt>Connection</dt>
              <dd>
                {describeUserAgent(client.userAgent)} · {client.messageCount} messages · connected{' '}
                {since ? formatDuration((Date.now() - since.getTime()) / 1000) : '—'}
              </dd>
            </div>
          );
        })}
      </dl>
      <SaveStatus id="user-details-status" state={state} />
      {dialog}
    </Modal>
  );
}
