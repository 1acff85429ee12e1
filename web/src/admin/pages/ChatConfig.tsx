// Configuration → Chat (reference §2.3), with newer Owncast's join/part messages, spam protection, slur
// filter and established-user mode (reference newer §4.1, §9.3).

import { saveSetting } from '../api';
import { PageHeading } from '../components/bits';
import { Section, TextSetting, ToggleSetting } from '../components/fields';
import { ListSetting } from '../components/ListSetting';
import { MarkdownPreview } from '../components/MarkdownPreview';
import { LIMITS } from '../limits';
import { useAdmin, useConfig } from '../state';

export function ChatConfig() {
  const config = useConfig();
  const { patchConfig } = useAdmin();
  return (
    <>
      <PageHeading title="Chat settings" />
      <Section title="Chat">
        <ToggleSetting
          label="Chat enabled"
          value={!config.chatDisabled}
          save={(enabled) => saveSetting('chat/disable', !enabled)}
          help="When off, your page shows no chat and nobody can send messages."
          onSaved={(enabled) => patchConfig((c) => ({ ...c, chatDisabled: !enabled }))}
        />
        <TextSetting
          label="Welcome message"
          path="welcomemessage"
          multiline
          rows={3}
          value={config.instanceDetails.welcomeMessage}
          maxBytes={LIMITS.welcomeMessage}
          help="Sent to each viewer who joins the chat. Markdown works. Leave empty for none. Ctrl+Enter saves."
          onSaved={(welcomeMessage) =>
            patchConfig((c) => ({ ...c, instanceDetails: { ...c.instanceDetails, welcomeMessage: welcomeMessage.trim() } }))
          }
          below={(draft) => (draft.trim() ? <MarkdownPreview source={draft} label="Welcome message preview" /> : null)}
        />
      </Section>
      <Section title="Moderation">
        <ToggleSetting
          label="Join and leave messages"
          path="chat/joinmessagesenabled"
          value={config.chatJoinMessagesEnabled}
          help="Tell the chat when someone joins while you are live, and when they leave."
          onSaved={(chatJoinMessagesEnabled) => patchConfig((c) => ({ ...c, chatJoinMessagesEnabled }))}
        />
        <ToggleSetting
          label="Spam protection"
          path="chat/spamprotectionenabled"
          value={config.chatSpamProtectionEnabled}
          help="Pause viewers who send messages too fast for a few seconds. Moderators are never paused."
          onSaved={(chatSpamProtectionEnabled) => patchConfig((c) => ({ ...c, chatSpamProtectionEnabled }))}
        />
        <ToggleSetting
          label="Filter slurs"
          path="chat/slurfilterenabled"
          value={config.chatSlurFilterEnabled}
          help="Messages with words from an English list of slurs and swear words are not sent; the sender is told why."
          onSaved={(chatSlurFilterEnabled) => patchConfig((c) => ({ ...c, chatSlurFilterEnabled }))}
        />
        <ToggleSetting
          label="Established chat users only"
          path="chat/establishedusermode"
          value={config.chatEstablishedUserMode}
          help="Only viewers who joined the chat at least 15 minutes ago can send messages. Useful during a raid of new accounts. Moderators always can."
          onSaved={(chatEstablishedUserMode) => patchConfig((c) => ({ ...c, chatEstablishedUserMode }))}
        />
        <ToggleSetting
          label="Authenticated chat users only"
          path="chat/requireauthentication"
          value={config.chatRequireAuthentication}
          help="Only viewers who proved their website or fediverse account (Authenticate, beside their chat name) can send messages. Moderators always can."
          onSaved={(chatRequireAuthentication) => patchConfig((c) => ({ ...c, chatRequireAuthentication }))}
        />
      </Section>
      <Section title="Names">
        <ListSetting
          label="Forbidden names"
          itemName="name"
          path="chat/forbiddenusernames"
          value={config.forbiddenUsernames}
          placeholder="admin, moderator"
          help="Nobody can pick a chat name that contains one of these words."
          onSaved={(forbiddenUsernames) => patchConfig((c) => ({ ...c, forbiddenUsernames }))}
        />
        <ListSetting
          label="Suggested names"
          itemName="name"
          path="chat/suggestedusernames"
          value={config.suggestedUsernames}
          placeholder="Blue Fox, Night Owl"
          help="New viewers get one of these names at random."
          minHint={{ count: 10, text: 'With fewer than 10 names, new viewers get a random generated name instead.' }}
          onSaved={(suggestedUsernames) => patchConfig((c) => ({ ...c, suggestedUsernames }))}
        />
      </Section>
    </>
  );
}
