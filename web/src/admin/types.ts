// Shapes of the Owncast 0.0.11 admin API as Ownstream answers it (reference §2). Optional fields are the
// ones Owncast omits when empty.

export interface SocialHandle {
  platform: string;
  url: string;
  icon?: string;
}

export interface ExternalAction {
  url: string;
  title: string;
  description?: string;
  icon?: string;
  color?: string;
  openExternally?: boolean;
}

export interface VideoVariant {
  name: string;
  videoPassthrough: boolean;
  audioPassthrough: boolean;
  videoBitrate: number;
  audioBitrate: number;
  framerate: number;
  cpuUsageLevel: number;
  scaledWidth?: number;
  scaledHeight?: number;
}

export interface S3Settings {
  enabled: boolean;
  endpoint?: string;
  servingEndpoint?: string;
  accessKey?: string;
  secret?: string;
  bucket?: string;
  region?: string;
  acl?: string;
  forcePathStyle: boolean;
  pathPrefix?: string;
}

export interface StreamKeyEntry {
  key: string;
  comment: string;
}

export interface ServerConfig {
  instanceDetails: {
    name: string;
    summary: string;
    welcomeMessage: string;
    logo: string;
    tags: string[];
    version: string;
    nsfw: boolean;
    extraPageContent: string;
    streamTitle: string;
    socialHandles: SocialHandle[];
    customStyles: string;
    appearanceVariables?: Record<string, string> | null;
  };
  ffmpegPath: string;
  streamKey: string;
  /** Newer Owncast: the bcrypt hash of the admin password, "" while the stream key is the password. */
  adminPassword: string;
  streamKeys: StreamKeyEntry[];
  streamKeyOverridden: boolean;
  disableSearchIndexing: boolean;
  videoServingEndpoint?: string;
  socketHostOverride?: string;
  chatJoinMessagesEnabled: boolean;
  chatEstablishedUserMode: boolean;
  /** Newer Owncast 0.2.5: only authenticated chatters (and moderators) take part. */
  chatRequireAuthentication: boolean;
  chatSpamProtectionEnabled: boolean;
  chatSlurFilterEnabled: boolean;
  webServerPort: number;
  webServerIP: string;
  rtmpServerPort: number;
  s3: S3Settings;
  videoSettings: { videoQualityVariants: VideoVariant[]; latencyLevel: number };
  yp: { enabled: boolean; instanceUrl: string };
  chatDisabled: boolean;
  externalActions: ExternalAction[];
  supportedCodecs: string[];
  videoCodec: string;
  forbiddenUsernames: string[];
  suggestedUsernames: string[];
  /** Newer Owncast's go-live notifications (empty strings are left out by the server). */
  notifications?: {
    browser: { enabled: boolean; goLiveMessage?: string };
    discord: { enabled: boolean; webhook?: string; goLiveMessage?: string };
  };
  /** Clips (ours, issue 13): on or off, the longest clip in seconds, who besides the admin may clip. */
  clips?: { enabled: boolean; maxDuration: number; permission: ClipPermission };
  /** Owncast's development-branch scheduled streams. */
  schedule?: {
    enabled: boolean;
    showCountdown: boolean;
    chatOpenMinutesBefore: number;
    reminderMessage: string;
    firstReminderMinutes: number;
    secondReminderMinutes: number;
  };
  federation: {
    enabled: boolean;
    isPrivate: boolean;
    username: string;
    goLiveMessage: string;
    showEngagement: boolean;
    blockedDomains: string[];
  };
  /** Ours (issue 13): recording every stream as a replay. */
  replays?: ReplaySettings;
}

export interface StreamDetails {
  width: number;
  height: number;
  framerate: number;
  videoBitrate: number;
  videoCodec: string;
  audioBitrate: number;
  audioCodec: string;
  encoder: string;
}

export interface AdminStatus {
  broadcaster: { remoteAddr: string; time: string; streamDetails: StreamDetails } | null;
  currentBroadcast: { outputSettings: VideoVariant[]; latencyLevel: { level: number } } | null;
  online: boolean;
  viewerCount: number;
  overallPeakViewerCount: number;
  sessionPeakViewerCount: number;
  streamTitle: string;
  versionNumber: string;
  /** Newer Owncast: the players' health, null until players report while live. */
  health?: PlayerHealth | null;
}

export interface PlayerHealth {
  healthy: boolean;
  healthPercentage: number;
  message: string;
  representation: number;
}

/** Newer Owncast's `/api/admin/metrics/video`. */
export interface VideoMetrics {
  errors: Sample[];
  qualityVariantChanges: Sample[];
  highestLatency: Sample[];
  medianLatency: Sample[];
  lowestLatency: Sample[];
  medianSegmentDownloadDuration: Sample[];
  maximumSegmentDownloadDuration: Sample[];
  minimumSegmentDownloadDuration: Sample[];
  minPlayerBitrate: Sample[];
  medianPlayerBitrate: Sample[];
  maxPlayerBitrate: Sample[];
  availableBitrates: number[];
  segmentLength: number;
  representation: number;
}

/** Newer Owncast's `/api/admin/viewers`. */
export interface ActiveViewer {
  firstSeen: string;
  geo: { countryCode?: string; regionName?: string; timeZone?: string } | null;
  userAgent: string;
  ipAddress: string;
  clientID: string;
}

/** One player's latest figures (newer Owncast's development branch, §14.3); a value older than 30 s is null. */
export interface PlayerHealth {
  /** "client" while the player reported within 30 s, else "server" (this server timed its segments). */
  source: 'client' | 'server';
  lastUpdate: string;
  /** CMCD `sta`: p playing, a paused, w waiting (stalled), k seeking, e ended. */
  playerState?: string;
  measurementStatus?: 'unmeasurable';
  bandwidthKbps: number | null;
  latencySeconds: number | null;
  downloadSeconds: number | null;
  bitrateKbps: number | null;
  /** Null for a player that never reported them (measured by the server only). */
  errorCount: number | null;
  qualityVariantChanges: number | null;
}

/** `GET /api/admin/viewers/playback`: one entry per player of each active viewer. */
export interface PlaybackClient {
  clientID: string;
  viewerID: string;
  firstSeen: string;
  geo: ActiveViewer['geo'];
  userAgent: string;
  ipAddress: string;
  playback: PlayerHealth | null;
}

/** `/api/status` (public): the admin needs `lastConnectTime` for the online timer. */
export interface PublicStatus {
  online: boolean;
  viewerCount: number;
  lastConnectTime: string | null;
  lastDisconnectTime: string | null;
}

export interface LogEntry {
  message: string;
  level: string;
  time: string;
}

export interface Sample {
  time: string;
  value: number;
}

export interface HardwareStats {
  cpu: Sample[];
  memory: Sample[];
  disk: Sample[];
}

export interface ChatUser {
  id: string;
  displayName: string;
  displayColor?: number;
  createdAt?: string;
  previousNames?: string[] | null;
  nameChangedAt?: string | null;
  disabledAt?: string | null;
  scopes?: string[] | null;
  isBot?: boolean;
  /** Newer Owncast: proved a website (IndieAuth) or a fediverse account. */
  authenticated?: boolean;
  /** The admin users list: how they proved it ("IndieAuth", "Fediverse"). */
  authProviders?: string[];
}

export interface ChatMessage {
  id: string;
  type?: string;
  timestamp: string;
  body: string;
  user?: ChatUser;
  visible?: boolean;
  hiddenAt?: string | null;
}

/** Newer Owncast's IP ban (`/api/admin/chat/users/ipbans`). */
export interface IpBan {
  ipAddress: string;
  notes: string;
  createdAt: string;
}

export interface ChatClient {
  clientId: number;
  connectedAt: string;
  messageCount: number;
  userAgent: string;
  ipAddress: string;
  geo?: { countryCode?: string; regionName?: string; timeZone?: string } | null;
  user: ChatUser;
}

export interface Webhook {
  id: number;
  url: string;
  events: string[];
  timestamp: string;
  lastUsed: string | null;
}

export interface AccessToken {
  id: string;
  accessToken: string;
  displayName: string;
  createdAt: string;
  scopes: string[];
  lastUsedAt?: string;
}

export interface Follower {
  link: string;
  name: string;
  username: string;
  image: string;
  timestamp: string;
  disabledAt: string | null;
}

export interface SocialActivity {
  iri: string;
  actorIRI: string;
  type: string;
  timestamp: string;
}

export interface SocialPlatform {
  platform: string;
  icon: string;
}

/** `{success, message}`: what every setter and action answers. */
export interface SimpleResult {
  success: boolean;
  message: string;
}

/** A simulcast destination (`/api/admin/restream/destinations`): `url` holds the stream key. */
export interface RestreamDestination {
  id: number;
  name: string;
  url: string;
  displayUrl: string;
  enabled: boolean;
  /** null: the source as received; else a video variant's index. */
  variant: number | null;
  createdAt: string;
  updatedAt: string;
}

export type RestreamState = 'idle' | 'connecting' | 'live' | 'retrying' | 'failed';

/** One destination's live state (`/api/admin/restream/status`). */
export interface RestreamStatus {
  id: number;
  name: string;
  displayUrl: string;
  enabled: boolean;
  variant: number | null;
  state: RestreamState;
  /** kbit/s */
  bitrate: number;
  uptime: number | null;
  retryIn: number | null;
  lastError: string | null;
  restarts: number;
  bytesSent: number;
}

export type ClipPermission = 'admin' | 'moderators' | 'everyone';

/** A clip, as `GET /api/clips` lists it. */
export interface AdminClip {
  id: string;
  title: string;
  replayId: string;
  startTime: string;
  endTime: string;
  duration: number;
  size: number;
  createdAt: string;
  clippedBy: string;
  url: string;
}

export interface ReplaySettings {
  enabled: boolean;
  /** Seconds a publisher may be gone and still continue the same replay. */
  reconnectWindow: number;
  /** 0 = unlimited, for either. */
  retention: { days: number; bytes: number };
}

/** `/api/admin/replays`: `/api/replays`'s items plus `recording`. */
export interface AdminReplay {
  id: string;
  title: string;
  startTime: string;
  endTime: string | null;
  duration: number;
  size: number;
  thumbnail: string | null;
  /** Live, or waiting for its publisher to reconnect: it cannot be deleted. */
  recording: boolean;
}

/** `/api/admin/replays/usage`. */
export interface RecordingUsage {
  usedBytes: number;
  diskBudgetBytes: number;
  /** The disk budget, or the byte retention when smaller. */
  limitBytes: number;
  diskFreeBytes: number;
  /** Bytes of the replays recorded to S3 (not on this disk). */
  bucketBytes: number;
  share: number;
  warning: boolean;
  recording: string | null;
}
