// The information block under the player: actions, logo, social links, name, title, About.
import type { ServerConfig, SocialHandle } from '../api';
import { safeHttpUrl } from '../format';
import { ExternalActions } from './ExternalActions';

export interface UserContentProps {
  config: ServerConfig;
  /** Shown as an h3 while the stream is live. */
  streamTitle: string;
  /** The viewer's chat name, passed on to external actions (empty when unknown). */
  chatName?: string;
}

function platformLabel(platform: string): string {
  const name = platform.trim();
  return name ? name[0]!.toUpperCase() + name.slice(1) : 'the web';
}

function SocialLinks({ handles }: { handles: SocialHandle[] }) {
  const links = handles
    .map((h) => ({ handle: h, url: safeHttpUrl(h.url), icon: safeHttpUrl(h.icon) }))
    .filter((l): l is { handle: SocialHandle; url: string; icon: string | null } => l.url !== null);
  if (links.length === 0) return null;
  return (
    <ul id="social-handles" class="social-handles">
      {links.map(({ handle, url, icon }) => {
        const label = platformLabel(handle.platform);
        return (
          <li key={url}>
            <a class="social-link" href={url} rel="me noopener" title={label}>
              {icon ? (
                <img class="social-icon" src={icon} alt="" />
              ) : (
                <span class="social-icon social-icon-fallback" aria-hidden="true">
                  {label[0]}
                </span>
              )}
              <span class="visually-hidden">Find me on {label}</span>
            </a>
          </li>
        );
      })}
    </ul>
  );
}

export function UserContent({ config, streamTitle, chatName = '' }: UserContentProps) {
  const tags = config.tags.filter((t) => t.trim() !== '');
  return (
    <section id="user-content" aria-label="About this server">
      <ExternalActions actions={config.externalActions} username={chatName} />
      <div class="user-content-header">
        <div class="user-logo-icons">
          <div class="user-logo logo-disc">
            <img src={config.logo || '/logo'} alt="" />
          </div>
          <SocialLinks handles={config.socialHandles} />
        </div>
        <div class="user-content-text">
          <h2 class="server-name">{config.name}</h2>
          {streamTitle && <h3 class="stream-title">{streamTitle}</h3>}
          <div id="about-tab" class="about" role="region" aria-label="About">
            {/* The server renders and sanitizes this Markdown; it is trusted HTML. */}
            <div class="summary" dangerouslySetInnerHTML={{ __html: config.summary }} />
            {tags.length > 0 && (
              <p class="tag-list">{tags.map((t) => `#${t.trim().replace(/\s+/g, '')}`).join(' ')}</p>
            )}
          </div>
        </div>
      </div>
      <div id="extra-user-content" class="extra-user-content" dangerouslySetInnerHTML={{ __html: config.extraPageContent }} />
    </section>
  );
}
