// Chat → Users: connected, banned, moderators and everyone (searched, paged, deletable), refreshed every
// 10 s; details with ban and moderator actions (reference §2.3); banned IP addresses (newer Owncast §5) with
// ban and unban.

import { useState } from 'preact/hooks';
import { getJson, postJson } from '../api';
import { DataTable, ErrorBanner, PageHeading } from '../components/bits';
import { Tabs } from '../components/Tabs';
import { UserDetails, UserName } from '../components/UserDetails';
import { describeUserAgent, formatDateTime, formatDuration, parseTime } from '../format';
import { usePoll } from '../poll';
import { useAdmin } from '../state';
import { SaveStatus, useSave } from '../components/save';
import type { ChatClient, ChatUser, IpBan } from '../types';
import { AllUsers } from './AllUsers';
import { CHAT_INTERVAL_MS } from './ChatMessages';

interface Lists {
  clients: ChatClient[];
  banned: ChatUser[];
  moderators: ChatUser[];
  ipBans: IpBan[];
}

async function loadLists(): Promise<Lists> {
  const [clients, banned, moderators, ipBans] = await Promise.all([
    getJson<ChatClient[]>('/api/admin/chat/clients'),
    getJson<ChatUser[]>('/api/admin/chat/users/disabled'),
    getJson<ChatUser[]>('/api/admin/chat/users/moderators'),
    getJson<IpBan[]>('/api/admin/chat/users/ipbans'),
  ]);
  return { clients, banned, moderators, ipBans };
}

function IpBans({ bans, onChanged }: { bans: IpBan[]; onChanged: () => void }) {
  const [address, setAddress] = useState('');
  const { state, run, fail } = useSave();
  const ban = async (event: Event) => {
    event.preventDefault();
    if (!address.trim()) return fail('Type an IPv4 or IPv6 address.');
    if (await run(() => postJson('/api/admin/chat/users/ipbans/create', { value: address.trim() }), 'Address banned')) {
      setAddress('');
      onChanged();
    }
  };
  const unban = async (row: IpBan) => {
    if (await run(() => postJson('/api/admin/chat/users/ipbans/remove', { value: row.ipAddress }), `${row.ipAddress} unbanned`)) {
      onChanged();
    }
  };
  return (
    <>
      <p class="help">
        A banned address cannot open the chat, read its history or register a name. Banning a user also bans the addresses they
        are connected from.
      </p>
      <DataTable
        caption="Banned IP addresses"
        rows={bans}
        rowKey={(row) => row.ipAddress}
        empty="No address is banned."
        columns={[
          { label: 'Address', render: (row) => <code>{row.ipAddress}</code> },
          { label: 'Note', render: (row) => row.notes },
          { label: 'Banned', render: (row) => formatDateTime(row.createdAt) },
          {
            label: 'Actions',
            hideLabel: true,
            render: (row) => (
              <button type="button" class="button small" onClick={() => void unban(row)}>
                Unban<span class="visually-hidden"> {row.ipAddress}</span>
              </button>
            ),
          },
        ]}
      />
      <form class="inline-form" onSubmit={(event) => void ban(event)} aria-label="Ban an IP address">
        <label>
          IP address
          <input value={address} placeholder="203.0.113.7 or 2001:db8::7" onInput={(event) => setAddress((event.target as HTMLInputElement).value)} />
        </label>
        <div class="setting-actions">
          <button type="submit" class="button primary">
            Ban address
          </button>
        </div>
        <SaveStatus id="ip-ban-status" state={state} />
      </form>
    </>
  );
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
  const data = lists.data ?? { clients: [], banned: [], moderators: [], ipBans: [] };
  const userColumns = [
    { label: 'Name', render: (row: ChatUser) => <DetailsButton user={row} onOpen={setUser} /> },
    { label: 'First seen', render: (row: ChatUser) => formatDateTime(row.createdAt) },
  ];

  return (
    <>
      <PageHeading title="Chat users" intro="Who is in the chat, who and which addresses are banned, and who moderates." />
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
            { key: 'ipbans', label: `IP bans (${data.ipBans.length})` },
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
          {tab === 'ipbans' && <IpBans bans={data.ipBans} onChanged={() => void lists.reload()} />}
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
