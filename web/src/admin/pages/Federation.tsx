// Configuration → Social: the Fediverse settings (reference §2.3, `config-federation`).

import { PageHeading } from '../components/bits';
import { Section, TextSetting, ToggleSetting } from '../components/fields';
import { ListSetting } from '../components/ListSetting';
import { useConfirm } from '../components/Modal';
import { LIMITS } from '../limits';
import { isHttpUrl } from '../safe';
import { useAdmin, useConfig } from '../state';

const USERNAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function Federation() {
  const config = useConfig();
  const { patchConfig } = useAdmin();
  const [confirm, dialog] = useConfirm();
  const federation = config.federation;
  const url = config.yp.instanceUrl;
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return 'your-server';
    }
  })();
  const set = (change: Partial<typeof federation>) => patchConfig((c) => ({ ...c, federation: { ...c.federation, ...change } }));
  return (
    <>
      <PageHeading
        title="Social (Fediverse) settings"
        intro="Let people on Mastodon and other Fediverse servers follow your stream, and tell them when you go live."
      />
      {!url.startsWith('https://') && (
        <Section title="Server URL needed">
          <p class="banner">Social features need this server's public https:// address.</p>
          <TextSetting
            label="Server URL"
            path="serverurl"
            type="url"
            value={url}
            placeholder="https://live.example.com"
            validate={(value) => (isHttpUrl(value, { httpsOnly: true }) ? null : 'Enter a full https:// address.')}
            onSaved={(instanceUrl) => patchConfig((c) => ({ ...c, yp: { ...c.yp, instanceUrl: instanceUrl.replace(/\/+$/, '') } }))}
          />
        </Section>
      )}
      <Section title="Fediverse">
        <ToggleSetting
          label="Enable social features"
          path="federation/enable"
          value={federation.enabled}
          disabled={!url.startsWith('https://') && !federation.enabled}
          help={`Your account is @${federation.username}@${host}.`}
          confirmOn={() =>
            confirm({
              title: 'Turn on social features?',
              message: (
                <>
                  <p>Your server becomes an account people can follow from Mastodon and other Fediverse servers.</p>
                  <ul>
                    <li>It needs a public https:// address.</li>
                    <li>Do not change the server URL or the username afterwards: followers would lose you.</li>
                    <li>In private mode you approve each follower yourself.</li>
                  </ul>
                </>
              ),
              confirmLabel: 'Turn on',
            })
          }
          onSaved={(enabled) => set({ enabled })}
        />
        <ToggleSetting
          label="Private: approve each follower"
          path="federation/private"
          value={federation.isPrivate}
          help="Follow requests wait in Followers → Requests until you approve them."
          onSaved={(isPrivate) => set({ isPrivate })}
        />
        <ToggleSetting
          label="Show engagement in chat"
          path="federation/showengagement"
          value={federation.showEngagement}
          help="Follows, likes and boosts appear in the chat."
          onSaved={(showEngagement) => set({ showEngagement })}
        />
        <ToggleSetting
          label="Potentially NSFW"
          path="nsfw"
          value={config.instanceDetails.nsfw}
          help="Posts are marked sensitive."
          onSaved={(nsfw) => patchConfig((c) => ({ ...c, instanceDetails: { ...c.instanceDetails, nsfw } }))}
        />
      </Section>
      <Section title="Account and posts">
        <TextSetting
          label="Username"
          path="federation/username"
          value={federation.username}
          maxLength={LIMITS.federationUsername}
          required
          placeholder="streamer"
          validate={(value) => (USERNAME.test(value) ? null : 'Letters, digits, dots, dashes and underscores only.')}
          help="The account name: @username@your-server. Do not change it once people follow you."
          onSaved={(username) => set({ username })}
        />
        <TextSetting
          label="Now live message"
          path="federation/livemessage"
          multiline
          rows={3}
          value={federation.goLiveMessage}
          maxLength={LIMITS.goLiveMessage}
          help="Posted to your followers when you go live, with your tags added. Leave empty to post nothing."
          onSaved={(goLiveMessage) => set({ goLiveMessage })}
        />
        <ListSetting
          label="Blocked domains"
          itemName="domain"
          path="federation/blockdomains"
          lowercase
          value={federation.blockedDomains}
          placeholder="spam.example"
          validateItem={(domain) => (DOMAIN.test(domain) ? null : `“${domain}” is not a domain name.`)}
          help="Accounts from these servers cannot follow you or interact."
          onSaved={(blockedDomains) => set({ blockedDomains })}
        />
      </Section>
      {dialog}
    </>
  );
}
