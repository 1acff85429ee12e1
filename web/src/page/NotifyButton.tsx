// "Notify" (#notify-button): browser notifications when the stream goes live (newer Owncast's Web Push).
// The dialog asks the browser for permission, registers the page's service worker, subscribes with the
// server's VAPID key and hands the subscription to POST /api/notifications/register (with this viewer's
// chat token, registering one first if the chat never did).
import { useState } from 'preact/hooks';
import { readStored, removeStored, writeStored } from '../chat/storage';
import { VIEWER_IDENTITY } from '../chat/session';
import { Modal } from '../Modal';

const CHANNEL = 'BROWSER_PUSH_NOTIFICATION';
const ENABLED_KEY = 'ownstream_notifications';

type State = 'off' | 'working' | 'on' | 'denied' | 'failed';

export function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

export function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function activeWorker(registration: ServiceWorkerRegistration): Promise<void> {
  const worker = registration.installing ?? registration.waiting;
  if (registration.active || !worker) return Promise.resolve();
  return new Promise((resolve) => {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'activated') resolve();
    });
  });
}

async function chatToken(): Promise<string> {
  const stored = readStored(VIEWER_IDENTITY.tokenKey);
  if (stored) return stored;
  const response = await fetch('/api/chat/register', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ displayName: VIEWER_IDENTITY.initialName() }),
  });
  const answer = (await response.json()) as { accessToken?: unknown };
  if (!response.ok || typeof answer.accessToken !== 'string') throw new Error('no access token');
  writeStored(VIEWER_IDENTITY.tokenKey, answer.accessToken);
  return answer.accessToken;
}

async function subscribe(publicKey: string): Promise<State> {
  if ((await Notification.requestPermission()) !== 'granted') return 'denied';
  const registration = await navigator.serviceWorker.register(__PUSH_WORKER_URL__, { scope: '/static/' });
  await activeWorker(registration);
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: base64UrlBytes(publicKey),
  });
  const token = await chatToken();
  const response = await fetch(`/api/notifications/register?accessToken=${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ channel: CHANNEL, destination: JSON.stringify(subscription) }),
  });
  if (!response.ok) return 'failed';
  writeStored(ENABLED_KEY, 'on');
  return 'on';
}

function BellIcon() {
  return (
    <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
      <path
        fill="none"
        stroke="currentColor"
        stroke-width="1.8"
        stroke-linecap="round"
        stroke-linejoin="round"
        d="M6 16V11a6 6 0 1 1 12 0v5l1.5 2h-15L6 16zM10 20a2 2 0 0 0 4 0"
      />
    </svg>
  );
}

const MESSAGES: Record<State, string> = {
  off: '',
  working: 'Asking your browser…',
  on: 'Done: your browser will tell you when the stream goes live.',
  denied: 'Your browser said no. Allow notifications for this site in its settings, then try again.',
  failed: 'That did not work. Try again in a moment.',
};

export function NotifyButton({ publicKey, serverName }: { publicKey: string; serverName: string }) {
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<State>(() => (readStored(ENABLED_KEY) === 'on' ? 'on' : 'off'));
  const start = async () => {
    setState('working');
    try {
      setState(await subscribe(publicKey));
    } catch {
      removeStored(ENABLED_KEY);
      setState('failed');
    }
  };
  return (
    <>
      <button
        type="button"
        id="notify-button"
        class="follow-button external-action-button"
        aria-haspopup="dialog"
        aria-pressed={state === 'on'}
        onClick={() => setOpen(true)}
      >
        <BellIcon />
        <span>{state === 'on' ? 'Notifying' : 'Notify'}</span>
      </button>
      {open && (
        <Modal id="notify-modal" title="Get notified" size="form" onClose={() => setOpen(false)}>
          <div class="follow-form">
            <p class="follow-explainer">
              Your browser can tell you when {serverName} goes live, even while this page is closed.
            </p>
            <p class="follow-hint" role="status">
              {MESSAGES[state]}
            </p>
            <div class="follow-actions">
              <span />
              <button
                type="button"
                id="notify-confirm"
                class="follow-submit"
                disabled={state === 'working'}
                onClick={() => void start()}
              >
                {state === 'on' ? 'Subscribe again' : 'Notify me'}
              </button>
            </div>
          </div>
        </Modal>
      )}
    </>
  );
}
