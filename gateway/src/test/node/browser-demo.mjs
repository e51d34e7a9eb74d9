// Drives the gateway's demo page (/demo) in a real headless Chromium with playwright-core, for BrowserDemoIT.
// Usage: node browser-demo.mjs <base-url> <screenshot.png> [topics] [event-names]
//
// Opens <base-url>/demo?topics=...&events=... (the page connects at once), waits until its EventSource is
// open, prints {"kind":"ready"} and then answers commands, one JSON object per line on stdin, with one
// JSON line each on stdout, carrying the command's id:
//   {"id":1,"cmd":"publish","topic":"t","event":"greeting","data":"x"}  fills in the page's form and
//       clicks Publish -> {"id":1,"ok":true,"status":"ok","publishedId":"0:...-0","text":"..."}
//   {"id":2,"cmd":"await","events":12,"reconnects":1,"timeoutMs":15000}  waits until the page has
//       received that many events and reconnects and its stream is open -> a snapshot
//   {"id":3,"cmd":"snapshot"}  -> {"id":3,"ok":true,"state":"open","opens":2,"reconnects":1,
//       "eventCount":12,"events":[{"type","id","data"}, ... oldest first],"connections":[{"kind","resumeId"}, ... oldest first],
//       "resets":[...]}
//   {"id":4,"cmd":"screenshot"}  saves the page as <screenshot.png>
//   {"id":5,"cmd":"exit"}
// A failed command answers {"id":n,"ok":false,"error":"..."}. Page errors and console messages go to stderr.
// The browser is Debian's /usr/bin/chromium: playwright-core never downloads one.
import { launchChromium, log, print, serveCommands } from './driven.mjs';

const [base, screenshotPath, topics = 'demo', eventNames = 'greeting'] = process.argv.slice(2);
if (!base || !screenshotPath) {
  process.stderr.write('usage: node browser-demo.mjs <base-url> <screenshot.png> [topics] [event-names]\n');
  process.exit(2);
}
const browser = await launchChromium();
let exiting = false;
const shutdown = async (code) => {
  if (exiting) return;
  exiting = true;
  await browser.close().catch(() => {});
  process.exit(code);
};
process.on('SIGTERM', () => shutdown(143));

const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
page.on('pageerror', (e) => log('[page error] ' + e.message));
page.on('console', (m) => log('[console.' + m.type() + '] ' + m.text()));

const stateText = () => page.getAttribute('[data-testid=state]', 'data-state');

async function snapshot() {
  return page.evaluate(() => {
    const all = (sel) => [...document.querySelectorAll(sel)].reverse(); // the page lists newest first
    const text = (sel) => document.querySelector(sel).textContent;
    return {
      state: document.querySelector('[data-testid=state]').dataset.state,
      opens: Number(text('[data-testid=open-count]')),
      reconnects: Number(text('[data-testid=reconnect-count]')),
      eventCount: Number(text('[data-testid=event-count]')),
      events: all('[data-testid=event]').map((e) => ({ type: e.dataset.type, id: e.dataset.id, data: e.dataset.data })),
      connections: all('[data-testid=connection]').map((e) => ({ kind: e.dataset.kind, resumeId: e.dataset.resumeId })),
      resets: all('[data-testid=reset]').map((e) => e.dataset.data),
    };
  });
}

async function publish({ topic, event, data }) {
  const seq = Number(await page.getAttribute('[data-testid=publish-result]', 'data-seq'));
  await page.fill('[data-testid=publish-topic]', topic);
  await page.fill('[data-testid=publish-event]', event || '');
  await page.fill('[data-testid=publish-data]', data);
  await page.click('[data-testid=publish-submit]');
  const result = page.locator(`[data-testid=publish-result][data-seq="${seq + 1}"]:not([data-status=pending])`);
  await result.waitFor({ timeout: 10000 });
  return {
    status: await result.getAttribute('data-status'),
    publishedId: await result.getAttribute('data-id'),
    text: await result.textContent(),
  };
}

async function awaitPage({ events = 0, reconnects = 0, timeoutMs = 15000 }) {
  await page.waitForFunction(([n, r]) => {
    const count = (id) => Number(document.querySelector(`[data-testid=${id}]`).textContent);
    return count('event-count') >= n && count('reconnect-count') >= r
      && document.querySelector('[data-testid=state]').dataset.state === 'open';
  }, [events, reconnects], { timeout: timeoutMs, polling: 50 });
  return snapshot();
}

const commands = {
  publish,
  await: awaitPage,
  snapshot,
  screenshot: async () => {
    await page.screenshot({ path: screenshotPath });
    return { path: screenshotPath };
  },
  exit: async () => ({}),
};

try {
  const query = new URLSearchParams({ topics, events: eventNames });
  await page.goto(`${base}/demo?${query}`, { timeout: 10000 });
  await page.waitForSelector('[data-testid=state][data-state=open]', { timeout: 10000 });
} catch (e) {
  log('the demo page did not connect: ' + e.message + '; state: ' + (await stateText().catch(() => '?')));
  print({ kind: 'failed', error: e.message });
  await shutdown(1);
}
print({ kind: 'ready' });

serveCommands(commands, shutdown);
