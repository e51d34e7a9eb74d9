// Drives @herald/client (clients/js) for JsClientIT, in Node (with the npm eventsource package) or in a
// headless Chromium page (with the browser's EventSource), through jsclient-harness.js in both.
// Usage: node jsclient.mjs node|browser <base-url> <topic> <hs256-secret> <token-seconds> [cursor]
//
// Tokens are HS256 JWTs for <topic> (subscribe and publish) that expire <token-seconds> after minting,
// except the first, which has already expired (as a token cached by a page would have): the gateway refuses
// it with 401. The client starts from [cursor] if given.
// Prints {"kind":"ready"} once the stream is open, then answers commands, one JSON object per line on
// stdin, with one JSON line each on stdout carrying the command's id:
//   {"id":1,"cmd":"publish","event":"note","data":"x","topic":"t"}  publishes with HeraldPublisher (to <topic> unless
//       given) -> {"id":1,"ok":true,"published":"0:...-0"}, or {"id":1,"ok":true,"refused":{"status":403,"code":"forbidden"}}
//   {"id":2,"cmd":"await","events":12,"lastData":"x","timeoutMs":15000}  waits until the client is open and
//       has that many events, the last one with that data -> a snapshot
//   {"id":3,"cmd":"snapshot"}  -> {"id":3,"ok":true,"events":[{"type","id","data"}...],"opens","errors",
//       "tokenReasons":["initial",...],"resets","cursor","persisted","state"}
//   {"id":4,"cmd":"exit"}
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { EventSource } from 'eventsource';
import { launchChromium, log, print, serveCommands } from './driven.mjs';
import * as herald from '../../../../clients/js/src/index.js';
import { subscribe } from './jsclient-harness.js';

const [mode, base, topic, secret, tokenSeconds, cursor] = process.argv.slice(2);

const b64url = (s) => Buffer.from(s).toString('base64url');
let minted = 0;
function mintToken() {
  const lifetime = minted++ === 0 ? -1 : Number(tokenSeconds);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({
    sub: 'jsclient', exp: Math.floor(Date.now() / 1000) + lifetime,
    'herald.subscribe': [topic], 'herald.publish': [topic],
  }));
  return `${header}.${payload}.${createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')}`;
}

/** The harness in this process: {publish, snapshot, exit}, like the page's. */
async function inNode() {
  let persisted = null;
  const h = subscribe({ ...herald, EventSource, base, topic, cursor, mintToken, storage: { get: () => null, set: (c) => { persisted = c; } } });
  return { ...h, snapshot: () => ({ ...h.snapshot(), persisted }), exit: async () => h.close() };
}

/** The harness in a page on the balancer's origin, which loads the client and harness from files of this repository. */
async function inBrowser() {
  const browser = await launchChromium();
  const page = await browser.newPage();
  page.on('pageerror', (e) => log('[page error] ' + e.message));
  page.on('console', (m) => log('[console.' + m.type() + '] ' + m.text()));
  await page.exposeFunction('mintToken', mintToken);
  const files = {
    '/__jsclient/': ['text/html', '<!doctype html><title>jsclient</title>'],
    '/__jsclient/index.js': ['text/javascript', await readFile(new URL('../../../../clients/js/src/index.js', import.meta.url))],
    '/__jsclient/harness.js': ['text/javascript', await readFile(new URL('./jsclient-harness.js', import.meta.url))],
  };
  await page.route(`${base}/__jsclient/**`, (route) => {
    const [contentType, body] = files[new URL(route.request().url()).pathname];
    route.fulfill({ contentType, body });
  });
  await page.goto(`${base}/__jsclient/`);
  await page.evaluate(async ([t, c]) => {
    const client = await import('/__jsclient/index.js');
    const { subscribe: sub } = await import('/__jsclient/harness.js');
    window.harness = sub({ ...client, base: '', topic: t, cursor: c, mintToken: window.mintToken, storageKey: 'herald-cursor' });
  }, [topic, cursor]);
  return {
    publish: (event, data, to) => page.evaluate(([e, d, t]) => window.harness.publish(e, d, t), [event, data, to]),
    snapshot: () => page.evaluate(() => ({ ...window.harness.snapshot(), persisted: localStorage.getItem('herald-cursor') })),
    exit: () => browser.close(),
  };
}

const harness = mode === 'browser' ? await inBrowser() : await inNode();

async function until(done, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await harness.snapshot();
    if (done(s)) return s;
    if (Date.now() > deadline) throw new Error('timed out; client: ' + JSON.stringify(s));
    await new Promise((r) => setTimeout(r, 25));
  }
}

const commands = {
  publish: async ({ event, data, topic: to }) => {
    const r = await harness.publish(event, data, to);
    return r.refused ? r : { published: r.id };
  },
  await: ({ events = 0, lastData, timeoutMs = 15000 }) => until((s) => s.state === 'open'
    && s.events.length >= events
    && (lastData === undefined || s.events.at(-1)?.data === lastData), timeoutMs),
  snapshot: () => harness.snapshot(),
  exit: () => ({}),
};

try {
  await until((s) => s.state === 'open', 15000);
} catch (e) {
  print({ kind: 'failed', error: e.message });
  process.exit(1);
}
print({ kind: 'ready' });

serveCommands(commands, async (code) => {
  await harness.exit();
  process.exit(code);
});
