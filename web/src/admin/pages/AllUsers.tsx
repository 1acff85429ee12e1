// Chat → Users → Everyone: every user the server knows (viewers, integrations), searched and paged
// through newer Owncast's GET /api/admin/users, with permanent deletion (POST /api/admin/users/delete).

import { useEffect, useState } from 'preact/hooks';
import { getJson, postJson } from '../api';
import { DataTable, ErrorBanner } from '../components/bits';
import { useConfirm } from '../components/Modal';
import { SaveStatus, useSave } from '../components/save';
import { formatDateTime } from '../format';
import type { ChatUser } from '../types';

const PAGE_SIZE = 25;

interface UserPage {
  total: number;
  results: ChatUser[];
}

export function AllUsers({ onOpen, refresh }: { onOpen: (user: ChatUser) => void; refresh: number }) {
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('all');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<UserPage>({ total: 0, results: [] });
  const [error, setError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const [confirm, dialog] = useConfirm();
  const { state, run } = useSave();

  useEffect(() => {
    let cancelled = false;
    const query = new URLSearchParams({ offset: String(offset), limit: String(PAGE_SIZE), search, status });
    const timer = window.setTimeout(() => {
      getJson<UserPage>(`/api/admin/users?${query}`).then(
        (answer) => {
          if (cancelled) return;
          setPage(answer);
          setError(null);
        },
        (failure: unknown) => !cancelled && setError(failure instanceof Error ? failure.message : String(failure)),
      );
    }, 200);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [search, status, offset, reloads, refresh]);

  const remove = async (user: ChatUser) => {
    const sure = await confirm({
      title: `Delete ${user.displayName}?`,
      message: (
        <p>
          Their account, their access token and every chat message they wrote are deleted for good. To keep them out
          but keep the record, ban them instead.
        </p>
      ),
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!sure) return;
    if (await run(() => postJson('/api/admin/users/delete', { userId: user.id }), `${user.displayName} deleted`)) {
      setReloads((n) => n + 1);
    }
  };

  const last = Math.min(offset + PAGE_SIZE, page.total);
  return (
    <div class="stack">
      <div class="toolbar">
        <div class="field-inline grow">
          <label for="users-search">Search names</label>
          <input
            id="users-search"
            type="search"
            value={search}
            onInput={(e) => {
              setSearch(e.currentTarget.value);
              setOffset(0);
            }}
          />
        </div>
        <div class="field-inline">
          <label for="users-status">Show</label>
          <select
            id="users-status"
            value={status}
            onChange={(e) => {
              setStatus(e.currentTarget.value);
              setOffset(0);
            }}
          >
            <option value="all">Everyone</option>
            <option value="active">Not banned</option>
            <option value="bots">Integrations</option>
          </select>
        </div>
      </div>
      <ErrorBanner message={error} />
      <SaveStatus id="users-delete-status" state={state} />
      <DataTable
        caption="All users"
        rows={page.results}
        rowKey={(row) => row.id}
        empty={search ? 'Nobody by that name.' : 'No users yet.'}
        columns={[
          {
            label: 'Name',
            render: (row) => (
              <button type="button" class="link-button" onClick={() => onOpen(row)}>
                {row.displayName}
                <span class="visually-hidden"> (details)</span>
              </button>
            ),
          },
          { label: 'Kind', render: (row) => (row.isBot ? 'Integration' : row.disabledAt ? 'Banned' : 'Viewer') },
          {
            label: 'Authenticated',
            render: (row) => (row.authenticated ? (row.authProviders ?? []).join(', ') || 'Yes' : ''),
          },
          { label: 'First seen', render: (row) => formatDateTime(row.createdAt) },
          {
            label: 'Actions',
            hideLabel: true,
            render: (row) => (
              <button
                type="button"
                class="button small danger"
                aria-label={`Delete ${row.displayName}`}
                onClick={() => void remove(row)}
              >
                Delete
              </button>
            ),
          },
        ]}
      />
      <div class="pager">
        <span role="status">{page.total ? `${offset + 1}–${last} of ${page.total}` : ''}</span>
        <button type="button" class="button small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
          Previous
        </button>
        <button type="button" class="button small" disabled={last >= page.total} onClick={() => setOffset(offset + PAGE_SIZE)}>
          Next
        </button>
      </div>
      {dialog}
    </div>
  );
}
