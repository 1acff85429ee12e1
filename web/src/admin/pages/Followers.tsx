// Followers (Fediverse): requests to approve or reject, followers, and blocked (reference §2.3).

import { useState } from 'preact/hooks';
import { getJson, postJson } from '../api';
import { DataTable, ErrorBanner, PageHeading } from '../components/bits';
import { SaveStatus, useSave } from '../components/save';
import { Tabs } from '../components/Tabs';
import { formatDateTime } from '../format';
import { usePoll } from '../poll';
import { safeHttpUrl } from '../safe';
import { useAdmin } from '../state';
import type { Follower } from '../types';

interface Lists {
  pending: Follower[];
  followers: Follower[];
  blocked: Follower[];
}

const FOLLOWERS_INTERVAL_MS = 30_000;

async function loadLists(): Promise<Lists> {
  const [pending, followers, blocked] = await Promise.all([
    getJson<Follower[]>('/api/admin/followers/pending'),
    getJson<Follower[]>('/api/admin/followers'),
    getJson<Follower[]>('/api/admin/followers/blocked'),
  ]);
  return { pending, followers, blocked };
}

function Account({ follower }: { follower: Follower }) {
  const link = safeHttpUrl(follower.link);
  const image = safeHttpUrl(follower.image);
  const name = follower.name || follower.username.split('@')[0] || follower.username;
  return (
    <span class="account">
      {image ? (
        <img src={image} alt="" width={32} height={32} class="avatar" />
      ) : (
        <span class="avatar avatar-letter" aria-hidden="true">
          {(name[0] ?? '?').toUpperCase()}
        </span>
      )}
      <span class="account-text">
        <span class="account-name">{name}</span>
        {link ? (
          <a href={link} target="_blank" rel="noopener noreferrer" class="account-handle">
            {follower.username}
            <span class="visually-hidden"> (opens in a new tab)</span>
          </a>
        ) : (
          <span class="account-handle">{follower.username}</span>
        )}
      </span>
    </span>
  );
}

export function Followers() {
  const { config } = useAdmin();
  const lists = usePoll(loadLists, FOLLOWERS_INTERVAL_MS);
  const [tab, setTab] = useState('pending');
  const { state, run } = useSave();
  const data = lists.data ?? { pending: [], followers: [], blocked: [] };

  const decide = async (follower: Follower, approved: boolean) => {
    const ok = await run(
      () => postJson('/api/admin/followers/approve', { actorIRI: follower.link, approved }),
      `${follower.username} ${approved ? 'approved' : 'rejected'}`,
    );
    if (ok) await lists.reload();
  };
  const decideButtons = (follower: Follower, options: { approve: boolean; reject: boolean }) => (
    <span class="row-actions">
      {options.approve && (
        <button
          type="button"
          class="button small primary"
          aria-label={`Approve ${follower.username}`}
          onClick={() => void decide(follower, true)}
        >
          Approve
        </button>
      )}
      {options.reject && (
        <button
          type="button"
          class="button small danger"
          aria-label={`Reject ${follower.username}`}
          onClick={() => void decide(follower, false)}
        >
          {options.approve ? 'Reject' : 'Remove'}
        </button>
      )}
    </span>
  );

  return (
    <>
      <PageHeading title="Followers" intro="People on the Fediverse (Mastodon and others) who follow this server." />
      {!config?.federation.enabled && (
        <p class="banner">
          Social features are off, so nobody new can follow. <a href="/admin/config-federation/">Turn them on</a>.
        </p>
      )}
      <ErrorBanner message={lists.error} />
      <SaveStatus id="followers-status" state={state} />
      <section class="card" aria-label="Followers">
        <Tabs
          label="Follower lists"
          selected={tab}
          onSelect={setTab}
          tabs={[
            { key: 'pending', label: `Requests (${data.pending.length})` },
            { key: 'followers', label: `Followers (${data.followers.length})` },
            { key: 'blocked', label: `Blocked (${data.blocked.length})` },
          ]}
        >
          {tab === 'pending' && (
            <DataTable
              caption="Follow requests"
              rows={data.pending}
              rowKey={(row) => row.link}
              empty={
                config?.federation.isPrivate
                  ? 'No requests waiting.'
                  : 'No requests waiting. Requests need your approval only when the server is private.'
              }
              columns={[
                { label: 'Account', render: (row) => <Account follower={row} /> },
                { label: 'Requested', render: (row) => formatDateTime(row.timestamp) },
                { label: 'Actions', render: (row) => decideButtons(row, { approve: true, reject: true }) },
              ]}
            />
          )}
          {tab === 'followers' && (
            <DataTable
              caption="Followers"
              rows={data.followers}
              rowKey={(row) => row.link}
              empty="No followers yet."
              columns={[
                { label: 'Account', render: (row) => <Account follower={row} /> },
                { label: 'Since', render: (row) => formatDateTime(row.timestamp) },
                { label: 'Actions', render: (row) => decideButtons(row, { approve: false, reject: true }) },
              ]}
            />
          )}
          {tab === 'blocked' && (
            <DataTable
              caption="Blocked and rejected accounts"
              rows={data.blocked}
              rowKey={(row) => row.link}
              empty="Nobody is blocked."
              columns={[
                { label: 'Account', render: (row) => <Account follower={row} /> },
                { label: 'Blocked', render: (row) => formatDateTime(row.disabledAt) },
                { label: 'Actions', render: (row) => decideButtons(row, { approve: true, reject: false }) },
              ]}
            />
          )}
        </Tabs>
      </section>
    </>
  );
}
