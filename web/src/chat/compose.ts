// Turning what the viewer typed into the message body the server expects, and measuring it.
//
// The box is a plain textarea. Typed text is HTML-escaped (the server renders Markdown with raw HTML
// allowed, so `<b>` must arrive as text), `:name:` of a custom emoji becomes the <img> tag the server's
// allow-list accepts, and line breaks become <br>.

export interface CustomEmoji {
  name: string;
  /** Same-origin path under /img/emoji/. */
  url: string;
}

/** Bytes a message may take: the server's payload limit minus room for the JSON envelope. */
export function messageByteLimit(maxSocketPayloadSize: number): number {
  const limit = Math.floor(maxSocketPayloadSize) - 512;
  return Number.isFinite(limit) && limit > 0 ? limit : 500;
}

/** The counter appears when this many bytes or fewer are left. */
export const BYTES_WARNING = 20;

/** UTF-8 length of `text` without allocating an encoded copy. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

export function emojiTag(emoji: CustomEmoji): string {
  const label = escapeAttribute(`:${emoji.name}:`);
  return `<img class="emoji" alt="${label}" title="${label}" src="${escapeAttribute(emoji.url)}">`;
}

/** The `body` of a CHAT event for what the viewer typed. */
export function composeBody(text: string, emoji: ReadonlyMap<string, CustomEmoji>): string {
  const lines = text.replace(/\r\n?/g, '\n').trim().split('\n');
  return lines
    .map((line) =>
      // Names are matched on the raw text, then each piece is escaped on its own.
      line
        .split(/(:[^:\s]+:)/)
        .map((piece) => {
          const found = piece.length > 2 && piece.startsWith(':') && piece.endsWith(':') ? emoji.get(piece.slice(1, -1)) : undefined;
          return found ? emojiTag(found) : escapeHtml(piece);
        })
        .join(''),
    )
    .join('<br>');
}

/** What the server will be sent for `text`, in bytes. */
export function bodyBytes(text: string, emoji: ReadonlyMap<string, CustomEmoji>): number {
  return utf8Bytes(composeBody(text, emoji));
}
