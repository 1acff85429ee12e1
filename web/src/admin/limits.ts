// Client-side limits, mirroring the server's checks (src/ownstream/config/validation.py and the text
// caps of the defects issue) so a mistake is caught before a round trip. The server stays the authority:
// whatever it answers is shown next to the field.

/** Characters, except the long texts (summary, welcome message, page content, CSS): UTF-8 bytes. */
export const LIMITS = {
  serverName: 255,
  streamTitle: 1000,
  summary: 16 * 1024,
  welcomeMessage: 16 * 1024,
  pageContent: 256 * 1024,
  customStyles: 256 * 1024,
  tag: 64,
  tags: 100,
  logoBytes: 2 * 1024 * 1024,
  federationUsername: 30,
  goLiveMessage: 500,
  variantName: 15,
  variants: 10,
} as const;

export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/svg+xml'];
