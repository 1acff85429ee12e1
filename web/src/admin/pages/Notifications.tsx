// Configuration → Notifications (`config-notify`): the ways Ownstream tells people you went live —
// browser notifications and Discord (Owncast 0.0.12's), plus the Fediverse, webhooks and the directory.

import { useState } from 'preact/hooks';
import { getJson, saveSetting } from '../api';
import { PageHeading } from '../components/bits';
import { Section } from '../components/fields';
import { SaveStatus, useSave } from '../components/save';
import { LIMITS } from '../limits';
import { usePoll } from '../poll';
import { isHttpUrl } from '../safe';
import { useAdmin, useConfig } from '../state';
import type { ServerConfig, Webhook } from '../types';

type Channels = NonNullable<ServerConfig['notifications']>;
const NONE: Channels = { browser: { enabled: false }, discord: { enabled: false } };

function BrowserPush({ value, onSaved }: { value: Channels['browser']; onSaved: (next: Channels['browser']) => void }) {
  const [enabled, setEnabled] = useState(value.enabled);
  const [message, setMessage] = useState(value.goLiveMessage ?? '');
  const { state, run } = useSave();
  const submit = async (event: Event) => {
    event.preventDefault();
    const next = { enabled, goLiveMessage: message.trim() };
    if (await run(() => saveSetting('notifications/browser', next))) onSaved(next);
  };
  return (
    <form class="stack" onSubmit={submit} noValidate aria-describedby="push-status">
      <div class="toggle-row">
        <input id="push-enabled" type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
        <label for="push-enabled">Offer browser notifications on your page</label>
      </div>
      <div class="field">
        <label for="push-message" class="setting-label">
          Notification text
        </label>
        <textarea
          id="push-message"
          rows={2}
          maxLength={LIMITS.goLiveMessage}
          value={message}
          onInput={(e) => setMessage(e.currentTarget.value)}
        />
        <p class="help">Shown under your server's name and logo. Sent two minutes after you go live, at most once in ten minutes.</p>
      </div>
      <div>
        <button type="submit" class="button primary">
          Save browser notifications
        </button>
      </div>
      <SaveStatus id="push-status" state={state} />
    </form>
  );
}

function Discord({ value, onSaved }: { value: Channels['discord']; onSaved: (next: Channels['discord']) => void }) {
  const [enabled, setEnabled] = useState(value.enabled);
  const [webhook, setWebhook] = useState(value.webhook ?? '');
  const [message, setMessage] = useState(value.goLiveMessage ?? '');
  const { state, run, fail } = useSave();
  const submit = async (event: Event) => {
    event.preventDefault();
    const next = { enabled, webhook: webhook.trim(), goLiveMessage: message.trim() };
    if ((enabled || next.webhook) && !isHttpUrl(next.webhook)) {
      fail('Enter the webhook URL Discord gave you (Server settings → Integrations → Webhooks).');
      return;
    }
    if (await run(() => saveSetting('notifications/discord', next))) onSaved(next);
  };
  return (
    <form class="stack" onSubmit={submit} noValidate aria-describedby="discord-status">
      <div class="toggle-row">
        <input id="discord-enabled" type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
        <label for="discord-enabled">Post to a Discord channel when you go live</label>
      </div>
      <div class="field">
        <label for="discord-webhook" class="setting-label">
          Discord webhook URL
        </label>
        <input
          id="discord-webhook"
          type="url"
          placeholder="https://discord.com/api/webhooks/…"
          value={webhook}
          onInput={(e) => setWebhook(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="discord-message" class="setting-label">
          Message
        </label>
        <textarea
          id="discord-message"
          rows={2}
          maxLength={LIMITS.goLiveMessage}
          value={message}
          onInput={(e) => setMessage(e.currentTarget.value)}
        />
        <p class="help">Your stream title and your server URL are added below it.</p>
      </div>
      <div>
        <button type="submit" class="button primary">
          Save Discord
        </button>
      </div>
      <SaveStatus id="discord-status" state={state} />
    </form>
  );
}

export function Notifications() {
  const config = useConfig();
  const { patchConfig } = useAdmin();
  const channels = config.notifications ?? NONE;
  const hooks = usePoll(() => getJson<Webhook[]>('/api/admin/webhooks'), null);
  const startHooks = (hooks.data ?? []).filter((hook) => hook.events.includes('STREAM_STARTED')).length;
  const fediverse = config.federation.enabled && config.federation.goLiveMessage.trim() !== '';
  const patch = (change: Partial<Channels>) => patchConfig((c) => ({ ...c, notifications: { ...(c.notifications ?? NONE), ...change } }));
  return (
    <>
      <PageHeading title="Notifications" intro="How people hear that you went live." />
      <Section title="Browser notifications">
        <p>
          Viewers press the bell on your page to get a notification from their browser when you go live, even with the page closed.
        </p>
        <BrowserPush value={channels.browser} onSaved={(browser) => patch({ browser })} />
      </Section>
      <Section title="Discord">
        <Discord value={channels.discord} onSaved={(discord) => patch({ discord })} />
      </Section>
      <div class="grid-2">
        <section class="card" aria-labelledby="notify-fediverse">
          <h2 id="notify-fediverse">Fediverse followers</h2>
          <p class={`pill ${fediverse ? 'pill-on' : 'pill-off'}`}>{fediverse ? 'On' : 'Off'}</p>
          <p>
            {fediverse
              ? 'Your followers get your “now live” post each time you go live.'
              : 'Turn on social features and write a “now live” message to post to your followers when you go live.'}
          </p>
          <a class="button" href="/admin/config-federation/">
            Social settings
          </a>
        </section>
        <section class="card" aria-labelledby="notify-webhooks">
          <h2 id="notify-webhooks">Webhooks (chat bots, anything)</h2>
          <p class={`pill ${startHooks ? 'pill-on' : 'pill-off'}`}>
            {startHooks ? `${startHooks} on “stream started”` : 'None on “stream started”'}
          </p>
          <p>A webhook on <em>Stream started</em> can tell Matrix, a bot of your own or anything else.</p>
          <a class="button" href="/admin/webhooks/">
            Webhooks
          </a>
        </section>
        <section class="card" aria-labelledby="notify-directory">
          <h2 id="notify-directory">Owncast Directory</h2>
          <p class={`pill ${config.yp.enabled ? 'pill-on' : 'pill-off'}`}>{config.yp.enabled ? 'Listed' : 'Not listed'}</p>
          <p>While you stream, the directory lists your server for people looking for something to watch.</p>
          <a class="button" href="/admin/config/general/">
            General settings
          </a>
        </section>
      </div>
    </>
  );
}
