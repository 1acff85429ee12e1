// Test-only entry: the chat's pure pieces, bundled by tests/web/test_chat_units.py with esbuild and
// exercised in headless chromium. Never part of the shipped bundle.
import { isChatOpen } from '../src/chat/availability';
import { bodyBytes, composeBody, messageByteLimit, utf8Bytes } from '../src/chat/compose';
import { isModerator, parseTimestamp, splitFrame } from '../src/chat/events';
import { announcementFor } from '../src/chat/hooks';
import { ChatLog } from '../src/chat/log';
import { userHue } from '../src/chat/MessageView';
import { reconnectDelay, socketUrl } from '../src/chat/session';
import { findMentions, highlightMentions, plainText } from '../src/chat/text';
import { formatSentAt } from '../src/format';
import { embedChatMode } from '../src/page/EmbedChat';
import { titleFor } from '../src/page/title';

declare global {
  interface Window {
    chatUnits: Record<string, unknown>;
  }
}

window.chatUnits = {
  announcementFor,
  bodyBytes,
  ChatLog,
  composeBody,
  embedChatMode,
  findMentions,
  formatSentAt,
  highlightMentions,
  isChatOpen,
  isModerator,
  messageByteLimit,
  parseTimestamp,
  plainText,
  reconnectDelay,
  socketUrl,
  splitFrame,
  titleFor,
  userHue,
  utf8Bytes,
};
