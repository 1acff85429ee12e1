// Small presentational pieces shared by pages.

import type { ComponentChildren } from 'preact';

export function Stat({ label, value, hint }: { label: string; value: ComponentChildren; hint?: string }) {
  return (
    <div class="stat">
      <p class="stat-label">{label}</p>
      <p class="stat-value">{value}</p>
      {hint && <p class="stat-hint">{hint}</p>}
    </div>
  );
}

export function ErrorBanner({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p class="banner banner-error" role="alert">
      {message}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}

/** A responsive table: on phones each row becomes a card, cells labelled by their column header. */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  empty,
  rowClass,
}: {
  caption: string;
  columns: { label: string; render: (row: T) => ComponentChildren; class?: string; hideLabel?: boolean }[];
  rows: T[];
  rowKey: (row: T) => string;
  empty: ComponentChildren;
  rowClass?: (row: T) => string | undefined;
}) {
  if (!rows.length) return <p class="empty-note">{empty}</p>;
  return (
    <table class="data-table">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th scope="col" key={column.label} class={column.class}>
              {column.hideLabel ? <span class="visually-hidden">{column.label}</span> : column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} class={rowClass?.(row)}>
            {columns.map((column) => (
              <td key={column.label} class={column.class} data-label={column.hideLabel ? undefined : column.label}>
                {column.render(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A page's heading (focused after navigation so keyboard and screen-reader users land on it). */
export function PageHeading({ title, intro }: { title: string; intro?: ComponentChildren }) {
  return (
    <div class="page-heading">
      <h1 tabIndex={-1} id="page-title">
        {title}
      </h1>
      {intro && <p class="page-intro">{intro}</p>}
    </div>
  );
}
