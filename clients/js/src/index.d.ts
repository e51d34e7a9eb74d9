// Types of @herald/client (src/index.js).

/** What the gateway says when it could not replay everything since the cursor: reload `topic`. */
export interface ResetInfo {
  topic: string;
  reason: 'history_trimmed' | 'replay_limit' | string;
  resumeFrom: string;
  oldestRetained: string | null;
}

/** Why getToken is called: the first open, the stream's token expired, or a stream was refused (401, or unknown status). */
export type TokenReason = 'initial' | 'token-expired' | 'unauthorized' | 'refused';

export interface HeraldEvent<T = unknown> {
  /** The event name: 'message' for events published without one. */
  type: string;
  /** The event ID: the cursor after this event. */
  id: string;
  /** The data as sent: JSON text for events published with JSON data that is not a string. */
  data: string;
  json(): T;
}

/** Where the cursor is kept between page loads or process runs. */
export interface CursorStorage {
  get(): string | null | undefined;
  set(cursor: string): void;
}

export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((e: any) => void) | null;
  onerror: ((e: any) => void) | null;
  addEventListener(type: string, listener: (e: { data: string; lastEventId: string }) => void): void;
  close(): void;
}

export interface ClientOptions {
  /** The gateways' base URL (e.g. 'https://events.example.com'); '' for the page's own origin. */
  url?: string;
  topics: string[];
  /** Resolves to a subscriber JWT; called before the first open, on herald.token-expired and when a stream is refused. */
  getToken?: (reason: TokenReason) => string | Promise<string>;
  /** Start from this event ID (else from storage, else from now). */
  cursor?: string;
  storage?: CursorStorage;
  /** Keep the cursor in localStorage under this key (browsers). */
  storageKey?: string;
  /** An EventSource class: the npm eventsource package's in Node; the global one by default. */
  EventSource?: new (url: string, init?: { withCredentials?: boolean }) => EventSourceLike;
  /** Send cookies cross-origin (cookie auth with herald.cors.allowed-origins). */
  withCredentials?: boolean;
  /** Base delay in ms of the client's own reopens (jittered, doubled per failure); the gateway's retry: default. */
  retry?: number;
}

/** `Events` maps event names to their data types, for typed handlers. */
export class HeraldClient<Events extends Record<string, unknown> = Record<string, unknown>> {
  constructor(options: ClientOptions);
  readonly cursor: string;
  readonly state: 'connecting' | 'open' | 'closed';
  on<K extends keyof Events & string>(name: K, handler: (event: HeraldEvent<Events[K]>) => void): () => void;
  on(name: string, handler: (event: HeraldEvent) => void): () => void;
  onReset(handler: (topic: string, info: ResetInfo) => void): () => void;
  onOpen(handler: () => void): () => void;
  onError(handler: (error: unknown) => void): () => void;
  close(): void;
}

export interface PublisherOptions {
  /** The publisher's base URL; '' for the page's own origin. */
  url?: string;
  /** A static API key (sent as X-Api-Key). */
  apiKey?: string;
  /** A publisher JWT, or a function that resolves to one (sent as Authorization: Bearer). */
  token?: string | (() => string | Promise<string>);
  fetch?: typeof fetch;
}

export interface EventToPublish {
  data: unknown;
  event?: string;
  retry?: number;
  idempotencyKey?: string;
}

export class HeraldPublisher {
  constructor(options?: PublisherOptions);
  publish(topic: string, event: EventToPublish): Promise<{ topic: string; id: string; duplicate?: boolean }>;
  publishBatch(events: Array<EventToPublish & { topic: string }>): Promise<{ events: Array<{ topic: string; id: string; duplicate?: boolean }> }>;
}

export class HeraldError extends Error {
  readonly status: number;
  readonly code?: string;
  readonly reason?: string;
  /** Seconds, from Retry-After (503, 429). */
  readonly retryAfter?: number;
}
