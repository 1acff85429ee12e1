// When the chat is open (Owncast 0.0.11's rule): while the stream is online and for five minutes after
// it went offline. A server that never streamed (no lastDisconnectTime) accepts chat, so chat is open
// there too. A scheduled stream can open it earlier (`scheduledEvent.chatOpen` in the status).
import type { StreamStatus } from '../api';
import { parseTimestamp } from './events';

export const CHAT_GRACE_MS = 5 * 60 * 1000;

export function isChatOpen(status: StreamStatus | null, now: number, graceMs: number = CHAT_GRACE_MS): boolean {
  if (status === null) return false;
  if (status.online) return true;
  // A scheduled stream's chat window (Owncast's development branch): open before the start.
  if (status.scheduledEvent?.chatOpen) return true;
  const lastDisconnect = parseTimestamp(status.lastDisconnectTime ?? undefined);
  if (Number.isNaN(lastDisconnect)) return status.lastDisconnectTime === null || status.lastDisconnectTime === undefined;
  return now - lastDisconnect < graceMs;
}
