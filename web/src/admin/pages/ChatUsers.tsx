// Chat → Users: connected, banned, moderators and everyone (searched, paged, deletable), refreshed every 10 s; details with ban and moderator
// actions (reference §2.3).

import { useState } from 'preact/hooks';
import { getJson } from '../api';
import { DataTable, ErrorBanner, PageHeading } from '../components/bits';
import { Tabs } from '../components/Tabs';
import { UserDetails, UserName } from '../components/UserDetails';
import { describeUserAgent, formatDateTime, formatDuration, parseTime } from '../format';
import { usePoll } from '../poll';
import { useAdmin } from '../state';
import type { ChatClient, ChatUser } from '../types';
import { AllUsers } from './AllUsers';
import { CHAT_INTERVAL_MS } from './ChatMessages';

interface Lists {
  clients: ChatClient[];
  banned: ChatUser[];
  moderators: ChatUser[];
}

async function loadLists(): Promise<Lists> {
  const [clients, banned, moderators] = await Promise.all([
    getJson<ChatClient[]>('/api/admin/chat/clients'),
    getJson<ChatUser[]>('/api/admin/chat/users/disabled'),
    getJson<ChatUser[]>('/api/admin/chat/users/moderators'),
  ]);
  return { clients, banned, moderators };
}

function DetailsButton({ user, onOpen }: { user: ChatUser; onOpen: (user: ChatUser) => void }) {
  return (
    <button type="button" class="link-button" onClick={() => onOpen(user)}>
      <UserName user={user} />
      <span class="visually-hidden"> (details)</span>
    </button>
  );
}

export function ChatUsers() {
  const lists = usePoll(loadLists, CHAT_INTERVAL_MS);
  const { status, config } = useAdmin();
  const [tab, setTab] = useState('connected');
  const [user, setUser] = useState<ChatUser | null>(null);
  const [refresh, setRefresh] = useState(0);
  const data = lists.data ?? { clients: [], banned: [], moderators: [] };
  const userColumns = [
    { label: 'Name', render: (row: ChatUser) => <DetailsButton user={row} onOpen={setUser} /> },
    { label: 'First seen', render: (row: ChatUser) => formatDateTime(row.createdAt) },
  ];

  return (
    <>
      <PageHeading title="Chat users" intro="Who is in the chat, who is banned and who moderates." />
      {config?.chatDisabled && (
        <p class="banner">
          Chat is disabled. <a href="/admin/config-chat/">Turn it on in the chat settings</a>.
        </p>
      )}
      <ErrorBanner message={lists.error} />
      <section class="card" aria-label="Chat users">
        <Tabs
          label="User lists"
          selected={tab}
          onSelect={setTab}
          tabs={[
            { key: 'connected', label: `Connected (${data.clients.length})` },
            { key: 'banned', label: `Banned (${data.banned.length})` },
            { key: 'moderators', label: `Moderators (${data.moderators.length})` },
            { key: 'everyone', label: 'Everyone' },
          ]}
        >
          {tab === 'connected' && (
            <DataTable
              caption="Connected chat clients"
              rows={data.clients}
              rowKey={(row) => String(row.clientId)}
              empty={
                status?.online
                  ? 'Nobody is connected to the chat right now.'
                  : 'Nobody is connected. Viewers appear here once they open your page.'
              }
              columns={[
                { label: 'Name', render: (row) => <DetailsButton user={row.user} onOpen={setUser} /> },
                { label: 'Messages', render: (row) => row.messageCount },
                {
                  label: 'Connected',
                  render: (row) => {
                    const since = parseTime(row.connectedAt);
                    return since ? formatDuration((Date.now() - since.getTime()) / 1000) : '—';
                  },
                },
                { label: 'Browser', render: (row) => <span title={row.userAgent}>{describeUserAgent(row.userAgent)}</span> },
                {
                  label: 'Location',
                  render: (row) =>
                    row.geo?.countryCode ? [row.geo.regionName, row.geo.countryCode].filter(Boolean).join(', ') : '—',
                },
              ]}
            />
          )}
          {tab === 'banned' && (
            <DataTable
              caption="Banned users"
              rows={data.banned}
              rowKey={(row) => row.id}
              empty="Nobody is banned."
              columns={[...userColumns, { label: 'Banned', render: (row) => formatDateTime(row.disabledAt) }]}
            />
          )}
          {tab === 'moderators' && (
            <DataTable
              caption="Moderators"
              rows={data.moderators}
              rowKey={(row) => row.id}
              empty="No moderators yet. Open a user and choose Make moderator."
              columns={userColumns}
            />
          )}
          {tab === 'everyone' && <AllUsers onOpen={setUser} refresh={refresh} />}
        </Tabs>
      </section>
      {user && (
        <UserDetails
          user={user}
          clients={data.clients}
          onClose={() => setUser(null)}
          onChanged={() => {
            void lists.reload();
            setRefresh((n) => n + 1);
          }}
        />
      )}
    </>
  );
}
