// Utilities → Social Actions: follows, likes and boosts from the Fediverse, 50 per page.

import { useState } from 'preact/hooks';
import { getJson } from '../api';
import { DataTable, ErrorBanner, PageHeading } from '../components/bits';
import { formatDateTime } from '../format';
import { usePoll } from '../poll';
import { safeHttpUrl } from '../safe';
import type { SocialActivity } from '../types';

const PAGE = 50;
const KINDS: Record<string, [string, string]> = {
  FEDIVERSE_ENGAGEMENT_FOLLOW: ['♥', 'Follow'],
  FEDIVERSE_ENGAGEMENT_LIKE: ['★', 'Like'],
  FEDIVERSE_ENGAGEMENT_REPOST: ['↻', 'Boost'],
  Follow: ['♥', 'Follow'],
  Like: ['★', 'Like'],
  Announce: ['↻', 'Boost'],
};

export function SocialActions() {
  const actions = usePoll(() => getJson<SocialActivity[]>('/api/admin/federation/actions'), 60_000);
  const [page, setPage] = useState(0);
  const all = actions.data ?? [];
  const pages = Math.max(1, Math.ceil(all.length / PAGE));
  const rows = all.slice(page * PAGE, page * PAGE + PAGE);
  return (
    <>
      <PageHeading title="Social actions" intro="Follows, likes and boosts your server received from the Fediverse." />
      <ErrorBanner message={actions.error} />
      <section class="card" aria-label="Social actions">
        <DataTable
          caption="Social actions, newest first"
          rows={rows}
          rowKey={(row) => row.iri}
          empty="Nothing yet. Follows, likes and boosts appear here once social features are on."
          columns={[
            {
              label: 'Action',
              render: (row) => {
                const [icon, name] = KINDS[row.type] ?? ['•', row.type];
                return (
                  <span>
                    <span aria-hidden="true">{icon} </span>
                    {name}
                  </span>
                );
              },
            },
            {
              label: 'From',
              render: (row) => {
                const link = safeHttpUrl(row.actorIRI);
                return link ? (
                  <a href={link} target="_blank" rel="noopener noreferrer">
                    {row.actorIRI}
                  </a>
                ) : (
                  row.actorIRI
                );
              },
            },
            { label: 'When', render: (row) => formatDateTime(row.timestamp) },
          ]}
        />
        {pages > 1 && (
          <nav class="pager" aria-label="Pages">
            <button type="button" class="button small" disabled={page === 0} onClick={() => setPage(page - 1)}>
              Newer
            </button>
            <span>
              Page {page + 1} of {pages}
            </span>
            <button type="button" class="button small" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>
              Older
            </button>
          </nav>
        )}
      </section>
    </>
  );
}
