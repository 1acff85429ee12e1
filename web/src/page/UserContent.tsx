// The information block under the player: actions (and Follow), logo, social links, name, title, and the
// About / Followers sections (tabs on wide screens; on phones the bar under the video picks them).
import type { ServerConfig, SocialHandle } from '../api';
import { safeHttpUrl } from '../format';
import { ExternalActions } from './ExternalActions';
import { FollowButton } from './FollowButton';
import { NotifyButton, pushSupported } from './NotifyButton';
import { Followers } from './Followers';
import { PageTabs, type Tab, type TabId } from './PageTabs';

export interface UserContentProps {
  config: ServerConfig;
  /** Shown as an h3 while the stream is live. */
  streamTitle: string;
  /** The viewer's chat name, passed on to external actions (empty when unknown). */
  chatName?: string;
  /** Which section shows: `about` or `followers`. */
  tab: TabId;
  onTab: (tab: TabId) => void;
  /** Wide screens draw their own tab bar here; phones have the bar under the video. */
  inlineTabs: boolean;
}

function platformLabel(platform: string): string {
  const name = platform.trim();
  return name ? name[0]!.toUpperCase() + name.slice(1) : 'the web';
}

/** A link for a platform the server has no icon for (the API leaves `icon` out). */
function LinkIcon() {
  return (
    <svg class="social-icon social-icon-fallback" viewBox="0 0 28 28" width="28" height="28" aria-hidden="true">
      <circle cx="14" cy="14" r="14" fill="currentColor" />
      <g fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round">
        <path d="M12.2 15.8a3.4 3.4 0 0 0 4.8 0l3-3a3.4 3.4 0 0 0-4.8-4.8l-1.1 1.1" />
        <path d="M15.8 12.2a3.4 3.4 0 0 0-4.8 0l-3 3a3.4 3.4 0 0 0 4.8 4.8l1.1-1.1" />
      </g>
    </svg>
  );
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
              {icon ? <img class="social-icon" src={icon} alt="" width="28" height="28" /> : <LinkIcon />}
              <span class="visually-hidden">Find me on {label}</span>
            </a>
          </li>
        );
      })}
    </ul>
  );
}

export function sectionTabs(config: ServerConfig, withChat: boolean): Tab[] {
  const tabs: Tab[] = [];
  if (withChat) tabs.push({ id: 'chat', label: 'Chat', panel: 'chat-container-wrap' });
  tabs.push({ id: 'about', label: 'About', panel: 'about-tab' });
  if (config.federation.enabled) {
    const count = config.federation.followerCount ?? 0;
    tabs.push({ id: 'followers', label: count > 0 ? `Followers (${count})` : 'Followers', panel: 'followers-tab' });
  }
  return tabs;
}

export function UserContent({ config, streamTitle, chatName = '', tab, onTab, inlineTabs }: UserContentProps) {
  const tags = config.tags.filter((t) => t.trim() !== '');
  const federation = config.federation;
  const account = federation.enabled && federation.account ? federation.account : '';
  const tabs = sectionTabs(config, false);
  const browserPush = config.notifications.browser;
  const notify = browserPush.enabled && browserPush.publicKey && pushSupported() ? browserPush.publicKey : '';
  const section = tab === 'followers' && account ? 'followers' : 'about';
  return (
    <section id="user-content" aria-label="About this server">
      <ExternalActions
        actions={config.externalActions}
        username={chatName}
        leading={
          (account || notify) && (
            <>
              {account && (
                <FollowButton
                  account={account}
                  serverName={config.name}
                  logo={config.logo || '/logo'}
                  followerCount={federation.followerCount ?? 0}
                />
              )}
              {notify && <NotifyButton publicKey={notify} serverName={config.name} />}
            </>
          )
        }
      />
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
        </div>
      </div>
      {inlineTabs && tabs.length > 1 && <PageTabs tabs={tabs} selected={section} onSelect={onTab} variant="inline" />}
      <div
        id="about-tab"
        class="about"
        role={tabs.length > 1 ? 'tabpanel' : 'region'}
        aria-label="About"
        hidden={section !== 'about'}
      >
        {/* The server renders and sanitizes this Markdown; it is trusted HTML. */}
        <div class="summary" dangerouslySetInnerHTML={{ __html: config.summary }} />
        {tags.length > 0 && <p class="tag-list">{tags.map((t) => `#${t.trim().replace(/\s+/g, '')}`).join(' ')}</p>}
        <div id="extra-user-content" class="extra-user-content" dangerouslySetInnerHTML={{ __html: config.extraPageContent }} />
      </div>
      {account && (
        <div id="followers-tab" class="followers" role="tabpanel" aria-label="Followers" hidden={section !== 'followers'}>
          {section === 'followers' && <Followers account={account} />}
        </div>
      )}
    </section>
  );
}
