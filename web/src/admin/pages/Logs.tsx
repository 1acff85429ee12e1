// Utilities → Logs: newest first, filtered by level, refreshed every 5 s (reference §2.3). Log lines are
// text, never HTML.

import { useState } from 'preact/hooks';
import { getJson } from '../api';
import { ErrorBanner, PageHeading } from '../components/bits';
import { formatStamp } from '../format';
import { usePoll } from '../poll';
import type { LogEntry } from '../types';

const LOGS_INTERVAL_MS = 5_000;
const LEVELS = ['debug', 'info', 'warning', 'error', 'fatal'] as const;
const SHOWN = 200;

export function Logs() {
  const [minimum, setMinimum] = useState('info');
  const [live, setLive] = useState(true);
  const logs = usePoll(() => getJson<LogEntry[]>('/api/admin/logs'), live ? LOGS_INTERVAL_MS : null, live);
  const threshold = LEVELS.indexOf(minimum as (typeof LEVELS)[number]);
  const rows = [...(logs.data ?? [])]
    .reverse()
    .filter((entry) => {
      const rank = LEVELS.indexOf(entry.level as (typeof LEVELS)[number]);
      return rank === -1 || rank >= threshold;
    })
    .slice(0, SHOWN);
  return (
    <>
      <PageHeading title="Logs" intro="What the server did recently, newest first. The full log is in the data folder's logs." />
      <ErrorBanner message={logs.error} />
      <section class="card" aria-label="Log entries">
        <div class="toolbar">
          <div class="field-inline">
            <label for="log-level">Level</label>
            <select id="log-level" value={minimum} onChange={(event) => setMinimum(event.currentTarget.value)}>
              <option value="debug">Everything</option>
              <option value="info">Info and above</option>
              <option value="warning">Warnings and errors</option>
              <option value="error">Errors only</option>
            </select>
          </div>
          <div class="toggle-row">
            <input
              id="log-live"
              type="checkbox"
              role="switch"
              class="switch"
              checked={live}
              onChange={(event) => setLive(event.currentTarget.checked)}
            />
            <label for="log-live">Refresh every 5 seconds</label>
          </div>
        </div>
        {rows.length === 0 ? (
          <p class="empty-note">{logs.loading ? 'Loading…' : 'Nothing at this level.'}</p>
        ) : (
          <table class="data-table log-table">
            <caption class="visually-hidden">Log entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Level</th>
                <th scope="col">Time</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((entry, index) => (
                <tr key={`${entry.time}-${index}`}>
                  <td data-label="Level" class="cell-level">
                    <span class={`level level-${entry.level}`}>{entry.level}</span>
                  </td>
                  <td data-label="Time" class="nowrap cell-time">
                    {formatStamp(entry.time)}
                  </td>
                  <td data-label="Message" class="log-message cell-message">
                    {entry.message}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
