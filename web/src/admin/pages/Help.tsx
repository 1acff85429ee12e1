// Help: where to look next.

import { PageHeading } from '../components/bits';

const TOPICS: [string, string, string][] = [
  ['/admin/', 'Going live', 'The Home page shows the server address and stream key for OBS or any RTMP encoder.'],
  ['/admin/config-video', 'Video quality and latency', 'Variants, bitrates and the latency buffer, with the trade-offs explained.'],
  ['/admin/config/storage/', 'Storage and CDNs', 'Serve the video from an S3-compatible bucket.'],
  ['/admin/access-tokens/', 'Bots and tools', 'Owncast bots and tools work with Ownstream: give them an access token.'],
  ['/admin/webhooks/', 'Webhooks', 'Get a call when you go live, when someone chats, and more.'],
  ['/admin/logs/', 'Troubleshooting', 'The logs say what went wrong; warnings also show on Home.'],
];

export function Help() {
  return (
    <>
      <PageHeading title="Help" intro="Ownstream speaks the Owncast 0.0.11 API, so Owncast's documentation for streamers mostly applies." />
      <div class="grid-3">
        {TOPICS.map(([href, title, text]) => (
          <a class="card card-link-block" href={href} key={href}>
            <span class="card-link-title">{title}</span>
            <span>{text}</span>
          </a>
        ))}
      </div>
      <section class="card" aria-labelledby="help-updates">
        <h2 id="help-updates">Updating</h2>
        <p>
          Ownstream does not update itself. Upgrade the <code>ownstream</code> package the way you installed it, then
          restart the service. Settings, chat and followers are kept in the data folder.
        </p>
      </section>
      <section class="card" aria-labelledby="help-api">
        <h2 id="help-api">Scripts and the API</h2>
        <p>
          Everything on these pages is also in the admin API under <code>/api/admin/</code>, with HTTP Basic
          authentication: user <code>admin</code>, the stream key as password.
        </p>
      </section>
    </>
  );
}
