// Configuration → Notifications (`config-notify`): the ways Ownstream tells people you went live.
// Owncast 0.0.12 added browser push and Discord here; Ownstream has not got those yet, so this page
// shows the channels that exist and where each is set up.

import { getJson } from '../api';
import { PageHeading } from '../components/bits';
import { usePoll } from '../poll';
import { useConfig } from '../state';
import type { Webhook } from '../types';

export function Notifications() {
  const config = useConfig();
  const hooks = usePoll(() => getJson<Webhook[]>('/api/admin/webhooks'), null);
  const startHooks = (hooks.data ?? []).filter((hook) => hook.events.includes('STREAM_STARTED')).length;
  const fediverse = config.federation.enabled && config.federation.goLiveMessage.trim() !== '';
  return (
    <>
      <PageHeading title="Notifications" intro="How people hear that you went live." />
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
          <h2 id="notify-webhooks">Webhooks (Discord, chat bots, anything)</h2>
          <p class={`pill ${startHooks ? 'pill-on' : 'pill-off'}`}>
            {startHooks ? `${startHooks} on “stream started”` : 'None on “stream started”'}
          </p>
          <p>
            A webhook on <em>Stream started</em> can post to Discord, Matrix or a bot of your own through a small relay.
          </p>
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
        <section class="card" aria-labelledby="notify-browser">
          <h2 id="notify-browser">Browser push and Discord</h2>
          <p class="pill pill-off">Not available yet</p>
          <p>Owncast's browser notifications and built-in Discord messages are not part of this version of Ownstream.</p>
        </section>
      </div>
    </>
  );
}
