// @herald/client: a subscriber over EventSource (the browser's, or one passed in, e.g. the npm
// `eventsource` package in Node) and a publish helper over fetch. No runtime dependencies.

const CLOSED = 2; // EventSource.CLOSED, read from the instance's class when it has one
const RESET = 'herald.reset';
const TOKEN_EXPIRED = 'herald.token-expired';
const MAX_BACKOFF_MS = 30000;

/** Subscribes to topics of a Herald gateway and keeps the cursor across reconnects and token refreshes. */
export class HeraldClient {
  constructor(options) {
    const { url = '', topics, getToken, cursor, storage, storageKey, withCredentials = false, retry = 2000 } = options;
    if (!topics || topics.length === 0) throw new TypeError('topics: at least one topic');
    this._url = url.replace(/\/+$/, '');
    this._topics = [...topics];
    this._getToken = getToken;
    this._storage = storage || (storageKey ? localStorageOf(storageKey) : null);
    this._EventSource = options.EventSource || globalThis.EventSource;
    if (!this._EventSource) throw new TypeError('EventSource: none in this environment; pass one (e.g. the npm eventsource package)');
    this._withCredentials = withCredentials;
    this._retry = retry;
    this._cursor = cursor ?? this._storage?.get() ?? '';
    this._handlers = new Map(); // event name -> Set of handlers
    this._resetHandlers = new Set();
    this._openHandlers = new Set();
    this._errorHandlers = new Set();
    this._source = null;
    this._token = undefined;
    this._failures = 0; // consecutive reopens without an open stream, for the backoff
    this._generation = 0; // bumped by every reopen and by close(): a stale async step then does nothing
    this._timer = null;
    this._closed = false;
    this._reopen('initial', 0);
  }

  /** The last event ID received (or the one the client started from): resume from here. */
  get cursor() {
    return this._cursor;
  }

  /** 'connecting', 'open' or 'closed'. */
  get state() {
    if (this._closed) return 'closed';
    return this._source && this._source.readyState === 1 ? 'open' : 'connecting';
  }

  /**
   * Calls handler for each event of that name ('message' for events published without one). Named events
   * never reach EventSource's onmessage, so each name is listened to on its own. Returns an unsubscribe function.
   */
  on(name, handler) {
    let set = this._handlers.get(name);
    if (!set) {
      set = new Set();
      this._handlers.set(name, set);
      if (this._source) this._listen(this._source, name);
    }
    return addTo(set, handler);
  }

  /** handler(topic, info) when the gateway could not replay everything since the cursor: reload that topic. */
  onReset(handler) {
    return addTo(this._resetHandlers, handler);
  }

  /** handler() each time a stream opens (first open, EventSource's own reconnects, reopens). */
  onOpen(handler) {
    return addTo(this._openHandlers, handler);
  }

  /** handler(error) on stream errors; the client keeps reconnecting until close(). */
  onError(handler) {
    return addTo(this._errorHandlers, handler);
  }

  close() {
    this._closed = true;
    this._generation++;
    clearTimeout(this._timer);
    this._source?.close();
    this._source = null;
  }

  /** Closes the current stream and opens a new one from the cursor after delayMs, with a new token if getToken is set. */
  _reopen(reason, delayMs) {
    const generation = ++this._generation;
    this._source?.close();
    this._source = null;
    clearTimeout(this._timer);
    this._timer = setTimeout(async () => {
      try {
        if (this._getToken) this._token = await this._getToken(reason);
      } catch (e) {
        if (generation !== this._generation) return;
        this._emitError(e);
        this._failures++;
        this._reopen(reason, this._backoff());
        return;
      }
      if (generation === this._generation) this._open();
    }, delayMs);
  }

  _open() {
    const params = new URLSearchParams();
    this._topics.forEach((t) => params.append('topic', t));
    if (this._cursor) params.set('lastEventId', this._cursor);
    // EventSource cannot set headers: the token goes in the query (keep tokens short-lived).
    if (this._token) params.set('accessToken', this._token);
    const source = new this._EventSource(`${this._url}/v1/stream?${params}`, { withCredentials: this._withCredentials });
    this._source = source;
    source.onopen = () => {
      this._failures = 0;
      this._openHandlers.forEach((h) => h());
    };
    source.onerror = (e) => {
      this._emitError(e);
      // While CONNECTING, EventSource retries by itself (honouring retry:). CLOSED means it gave up: a
      // non-200 answer, most likely 401/403 for an expired token; browsers do not say which, so refresh.
      if (source.readyState === (source.constructor.CLOSED ?? CLOSED) && source === this._source) {
        this._failures++;
        this._reopen(e && e.code === 401 ? 'unauthorized' : 'refused', this._backoff());
      }
    };
    this._handlers.forEach((_, name) => this._listen(source, name));
    source.addEventListener(RESET, (e) => {
      const info = JSON.parse(e.data);
      this._resetHandlers.forEach((h) => h(info.topic, info));
    });
    // The gateway ends the stream after this; reopen at once with a new token rather than let EventSource
    // retry with the old one and be refused. The jitter spreads the clients whose tokens expire together.
    source.addEventListener(TOKEN_EXPIRED, () => this._reopen('token-expired', jitter(this._retry)));
  }

  _listen(source, name) {
    source.addEventListener(name, (e) => {
      // An event a replaced stream had already queued: the new stream sends it again, from the cursor.
      if (source !== this._source) return;
      if (e.lastEventId) {
        this._cursor = e.lastEventId;
        this._storage?.set(this._cursor);
      }
      const event = { type: name, id: e.lastEventId, data: e.data, json: () => JSON.parse(e.data) };
      this._handlers.get(name)?.forEach((h) => h(event));
    });
  }

  _emitError(e) {
    this._errorHandlers.forEach((h) => h(e));
  }

  /** The retry delay doubled per consecutive failure, capped, with jitter. */
  _backoff() {
    return jitter(Math.min(this._retry * 2 ** (this._failures - 1), MAX_BACKOFF_MS));
  }
}

/** Publishes events to a Herald publisher with fetch; auth by API key or bearer token (or a function returning one). */
export class HeraldPublisher {
  constructor({ url = '', apiKey, token, fetch: fetchImpl } = {}) {
    this._url = url.replace(/\/+$/, '');
    this._apiKey = apiKey;
    this._token = token;
    this._fetch = fetchImpl || globalThis.fetch.bind(globalThis);
  }

  /** One event: {data, event?, retry?, idempotencyKey?}. Resolves to {topic, id, duplicate}. */
  async publish(topic, { idempotencyKey, ...event }) {
    const headers = idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {};
    return this._post(`/v1/topics/${encodeURIComponent(topic)}/events`, event, headers);
  }

  /** A batch: [{topic, data, event?, retry?, idempotencyKey?}]. Resolves to {events: [{topic, id}]}. */
  async publishBatch(events) {
    return this._post('/v1/events', events, {});
  }

  async _post(path, body, headers) {
    headers['Content-Type'] = 'application/json';
    if (this._apiKey) headers['X-Api-Key'] = this._apiKey;
    const token = typeof this._token === 'function' ? await this._token() : this._token;
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await this._fetch(`${this._url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await response.text();
    // Errors from a proxy in front, or the publisher's shutdown 503, may have no JSON body.
    const json = text && /json/.test(response.headers.get('Content-Type') || '') ? JSON.parse(text) : {};
    if (!response.ok) throw new HeraldError(response.status, json, response.headers.get('Retry-After'));
    return json;
  }
}

/** A refused publish: status, the body's error code and reason, and Retry-After (seconds) for 503/429. */
export class HeraldError extends Error {
  constructor(status, body, retryAfter) {
    super(`${status} ${body.error || ''}${body.message ? ': ' + body.message : ''}`);
    this.name = 'HeraldError';
    this.status = status;
    this.code = body.error;
    this.reason = body.reason;
    this.retryAfter = retryAfter == null ? undefined : Number(retryAfter);
  }
}

function addTo(set, handler) {
  set.add(handler);
  return () => set.delete(handler);
}

/** Between half and all of ms, at random. */
function jitter(ms) {
  return ms / 2 + Math.random() * (ms / 2);
}

function localStorageOf(key) {
  return { get: () => globalThis.localStorage.getItem(key), set: (value) => globalThis.localStorage.setItem(key, value) };
}
