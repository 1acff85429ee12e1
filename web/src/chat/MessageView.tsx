// One entry of the chat list. Names and every text we write are text nodes (Preact escapes them);
// only `body`, which the server rendered and sanitized, is inserted as HTML.
import { Component } from 'preact';
import { formatChattingSince, formatSentAt, safeHttpUrl } from '../format';
import { isAuthenticated, isModerator } from './events';
import { EngagementIcon, ShieldIcon, VerifiedIcon } from './icons';
import type { ChatItem } from './log';
import { ModeratorMenu } from './ModeratorMenu';
import type { ChatSession } from './session';
import { highlightMentions } from './text';

export interface MessageViewProps {
  item: ChatItem;
  session: ChatSession;
  ownId: string | null;
  ownName: string;
  /** The viewer is a moderator: chat messages get the moderation menu. */
  moderating: boolean;
}

/** The hue of a user's colour: the server's `displayColor`, else one derived from the name. */
export function userHue(displayColor: unknown, name: string): number {
  if (typeof displayColor === 'number' && Number.isFinite(displayColor)) return ((Math.round(displayColor) % 360) + 360) % 360;
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  return Math.abs(hash) % 360;
}

function ModeratorFlair() {
  return (
    <span class="moderator-flair" role="img" aria-label="Moderator" title="Moderator">
      <ShieldIcon />
    </span>
  );
}

function AuthenticatedFlair() {
  return (
    <span class="authenticated-flair" role="img" aria-label="Authenticated" title="Authenticated">
      <VerifiedIcon />
    </span>
  );
}

const ENGAGEMENT_KINDS = {
  FEDIVERSE_ENGAGEMENT_FOLLOW: 'follow',
  FEDIVERSE_ENGAGEMENT_LIKE: 'like',
  FEDIVERSE_ENGAGEMENT_REPOST: 'repost',
} as const;

export class MessageView extends Component<MessageViewProps> {
  private html = { body: '', name: '', out: '' };

  shouldComponentUpdate(next: MessageViewProps): boolean {
    const now = this.props;
    return (
      next.item !== now.item || next.ownId !== now.ownId || next.ownName !== now.ownName || next.moderating !== now.moderating
    );
  }

  /** The body with the viewer's name marked, cached per body and name. */
  private bodyWithMentions(body: string, own: boolean): string {
    const name = own ? '' : this.props.ownName;
    if (this.html.body !== body || this.html.name !== name) {
      this.html = { body, name, out: name ? highlightMentions(body, name) : body };
    }
    return this.html.out;
  }

  render() {
    const { item, session, ownId, moderating } = this.props;
    const { event } = item;
    const sentAt = formatSentAt(item.time, Date.now());
    const body = event.body ?? '';

    switch (item.kind) {
      case 'chat': {
        const user = event.user;
        const name = user?.displayName ?? '';
        const own = ownId !== null && user?.id === ownId;
        const authorModerator = isModerator(user);
        const classes = ['message', 'chat-message_user'];
        if (own) classes.push('chat-message_own');
        if (authorModerator) classes.push('chat-message_moderator');
        return (
          <div
            class={classes.join(' ')}
            data-message-id={item.id}
            title={sentAt}
            style={{ '--user-hue': String(userHue(user?.displayColor, name)) }}
          >
            <div class="message-content">
              <div class="message-author" title={formatChattingSince(user?.createdAt) || undefined}>
                {authorModerator && <ModeratorFlair />}
                <span class="message-author-name">{name}</span>
                {isAuthenticated(user) && <AuthenticatedFlair />}
              </div>
              <div class="message-text" dangerouslySetInnerHTML={{ __html: this.bodyWithMentions(body, own) }} />
            </div>
            {moderating && (
              <ModeratorMenu
                session={session}
                item={item}
                messageId={item.id}
                authorId={user?.id ?? null}
                authorName={name}
                own={own}
              />
            )}
          </div>
        );
      }
      case 'system':
        return (
          <div class="message chat-message_system" data-message-id={item.id} title={sentAt}>
            <div class="message-content">
              {event.user?.displayName && <div class="message-author">{event.user.displayName}</div>}
              <div class="message-text" dangerouslySetInnerHTML={{ __html: body }} />
            </div>
          </div>
        );
      case 'joined': {
        const name = event.user?.displayName ?? '';
        return (
          <div class="chat-event chat-event_joined" data-message-id={item.id} title={sentAt}>
            {isModerator(event.user) && <ModeratorFlair />}
            <strong class="chat-event-name">{name}</strong> joined the chat.
          </div>
        );
      }
      case 'parted':
        return (
          <div class="chat-event chat-event_parted" data-message-id={item.id} title={sentAt}>
            <strong class="chat-event-name">{event.user?.displayName ?? ''}</strong> left the chat.
          </div>
        );
      case 'rename':
        return (
          <div class="chat-event chat-event_rename" data-message-id={item.id} title={sentAt}>
            <strong class="chat-event-name">{event.oldName ?? ''}</strong> is now known as{' '}
            <strong class="chat-event-name">{event.user?.displayName ?? ''}</strong>.
          </div>
        );
      case 'action':
        return (
          <div
            class="chat-event chat-action"
            data-message-id={item.id}
            title={sentAt}
            dangerouslySetInnerHTML={{ __html: body }}
          />
        );
      case 'social': {
        const kind = ENGAGEMENT_KINDS[event.type as keyof typeof ENGAGEMENT_KINDS] ?? 'follow';
        const link = safeHttpUrl(event.link);
        const avatar = safeHttpUrl(event.image ?? undefined);
        const title = event.title ?? '';
        const header = (
          <>
            <span class="social-avatar">
              {avatar ? <img src={avatar} alt="" loading="lazy" /> : <span class="social-avatar-fallback" />}
              <span class="social-badge">
                <EngagementIcon kind={kind} />
              </span>
            </span>
            <span class="social-title">{title}</span>
          </>
        );
        return (
          <div class={`message chat-message_social chat-social_${kind}`} data-message-id={item.id} title={sentAt}>
            {link ? (
              <a class="social-header" href={link} target="_blank" rel="noopener noreferrer">
                {header}
              </a>
            ) : (
              <div class="social-header">{header}</div>
            )}
            <div class="message-text" dangerouslySetInnerHTML={{ __html: body }} />
          </div>
        );
      }
      case 'notice':
        return (
          <div class="chat-event chat-notice" data-message-id={item.id}>
            {item.text}
          </div>
        );
      default:
        return null;
    }
  }
}
