// Chat → Messages: recent messages, filter, per-row and bulk hide/show (reference §2.3). Hidden messages
// vanish from every open viewer page at once (the server sends VISIBILITY-UPDATE).

import { useMemo, useState } from 'preact/hooks';
import { getJson, postJson } from '../api';
import { ErrorBanner, PageHeading } from '../components/bits';
import { SaveStatus, useSave } from '../components/save';
import { UserDetails, UserName } from '../components/UserDetails';
import { formatStamp, parseTime } from '../format';
import { usePoll } from '../poll';
import type { ChatClient, ChatMessage, ChatUser } from '../types';

export const CHAT_INTERVAL_MS = 10_000;
type Filter = 'all' | 'visible' | 'hidden';

export function ChatMessages() {
  const messages = usePoll(() => getJson<ChatMessage[]>('/api/admin/chat/messages'), CHAT_INTERVAL_MS);
  const clients = usePoll(() => getJson<ChatClient[]>('/api/admin/chat/clients'), null);
  const [filter, setFilter] = useState<Filter>('all');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [hidden, setHidden] = useState<Map<string, boolean>>(new Map());
  const [user, setUser] = useState<ChatUser | null>(null);
  const { state, run } = useSave();

  const isHidden = (message: ChatMessage) => hidden.get(message.id) ?? Boolean(message.hiddenAt);
  const rows = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return [...(messages.data ?? [])]
      .sort((a, b) => (parseTime(b.timestamp)?.getTime() ?? 0) - (parseTime(a.timestamp)?.getTime() ?? 0))
      .filter((message) => (filter === 'all' ? true : filter === 'hidden' ? isHidden(message) : !isHidden(message)))
      .filter((message) => {
        if (!needle) return true;
        const text = `${message.user?.displayName ?? ''} ${message.body.replace(/<[^>]*>/g, ' ')}`.toLowerCase();
        return text.includes(needle);
      });
  }, [messages.data, filter, search, hidden]);

  const setVisibility = async (ids: string[], visible: boolean) => {
    const ok = await run(
      () => postJson('/api/admin/chat/updatemessagevisibility', { visible, idArray: ids }),
      `${ids.length === 1 ? 'Message' : `${ids.length} messages`} ${visible ? 'shown' : 'hidden'}`,
    );
    if (ok) {
      setHidden((current) => {
        const next = new Map(current);
        for (const id of ids) next.set(id, !visible);
        return next;
      });
      setSelected(new Set());
    }
  };

  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allSelected = rows.length > 0 && rows.every((row) => selected.has(row.id));

  return (
    <>
      <PageHeading title="Chat messages" intro="Hide a message and it disappears from every viewer's chat at once." />
      <ErrorBanner message={messages.error} />
      <section class="card" aria-label="Messages">
        <div class="toolbar">
          <div class="field-inline">
            <label for="message-filter">Show</label>
            <select id="message-filter" value={filter} onChange={(e) => setFilter(e.currentTarget.value as Filter)}>
              <option value="all">All messages</option>
              <option value="visible">Visible only</option>
              <option value="hidden">Hidden only</option>
            </select>
          </div>
          <div class="field-inline grow">
            <label for="message-search">Search</label>
            <input
              id="message-search"
              type="search"
              value={search}
              placeholder="Name or text"
              onInput={(e) => setSearch(e.currentTarget.value)}
            />
          </div>
          <div class="bulk" role="group" aria-label="Selected messages">
            <span class="muted">{selected.size} selected</span>
            <button
              type="button"
              class="button small"
              disabled={!selected.size}
              onClick={() => void setVisibility([...selected], false)}
            >
              Hide selected
            </button>
            <button
              type="button"
              class="button small"
              disabled={!selected.size}
              onClick={() => void setVisibility([...selected], true)}
            >
              Show selected
            </button>
          </div>
        </div>
        <SaveStatus id="messages-status" state={state} />
        {rows.length === 0 ? (
          <p class="empty-note">
            {messages.loading ? 'Loading…' : messages.data?.length ? 'No message matches.' : 'No chat messages yet.'}
          </p>
        ) : (
          <table class="data-table messages-table">
            <caption class="visually-hidden">Chat messages, newest first</caption>
            <thead>
              <tr>
                <th scope="col" class="check">
                  <input
                    type="checkbox"
                    aria-label="Select all shown messages"
                    checked={allSelected}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((row) => row.id)))}
                  />
                </th>
                <th scope="col">Time</th>
                <th scope="col">User</th>
                <th scope="col">Message</th>
                <th scope="col">
                  <span class="visually-hidden">Visibility</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((message) => {
                const gone = isHidden(message);
                const who = message.user?.displayName ?? 'system';
                return (
                  <tr key={message.id} class={gone ? 'row-hidden' : undefined} data-message-id={message.id}>
                    <td class="check cell-check">
                      <input
                        type="checkbox"
                        aria-label={`Select message from ${who}`}
                        checked={selected.has(message.id)}
                        onChange={() => toggle(message.id)}
                      />
                    </td>
                    <td data-label="Time" class="nowrap cell-time">
                      {formatStamp(message.timestamp)}
                    </td>
                    <td data-label="User" class="cell-user">
                      {message.user ? (
                        <button type="button" class="link-button" onClick={() => setUser(message.user ?? null)}>
                          <UserName user={message.user} />
                        </button>
                      ) : (
                        'system'
                      )}
                    </td>
                    <td data-label="Message" class="cell-message">
                      {/* The server's rendered chat body: Markdown sanitized with an allow-list. */}
                      <span class="message-body" dangerouslySetInnerHTML={{ __html: message.body }} />
                      {gone && <span class="badge">hidden</span>}
                    </td>
                    <td class="actions cell-actions">
                      <button
                        type="button"
                        class="button small"
                        aria-label={`${gone ? 'Show' : 'Hide'} message from ${who}`}
                        onClick={() => void setVisibility([message.id], gone)}
                      >
                        {gone ? 'Show' : 'Hide'}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      {user && (
        <UserDetails
          user={user}
          clients={clients.data ?? []}
          onClose={() => setUser(null)}
          onChanged={() => void messages.reload()}
        />
      )}
    </>
  );
}
