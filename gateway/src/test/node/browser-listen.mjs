// Subscribes with a real browser's EventSource (Debian's /usr/bin/chromium, headless, driven by playwright-core)
// and prints one JSON line per received event or connection change, exactly as listen.mjs does, so a Java
// test can read what a browser got. The page is the origin's /health (same origin as the stream, no CORS).
// Usage: node browser-listen.mjs <url> <seconds>
// With COOKIE=name=value in the environment the page's origin gets that cookie first (a Mercure token cookie).
import { chromium } from 'playwright-core';

const [url, seconds] = process.argv.slice(2);
const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const done = async () => { await browser.close().catch(() => {}); process.exit(0); };
process.on('SIGTERM', done);
const page = await browser.newPage();
if (process.env.COOKIE) {
  const eq = process.env.COOKIE.indexOf('=');
  await page.context().addCookies([{ name: process.env.COOKIE.slice(0, eq), value: process.env.COOKIE.slice(eq + 1), url }]);
}
page.on('pageerror', (e) => process.stderr.write('[page error] ' + e.message + '\n'));
await page.exposeFunction('report', print);
await page.goto(new URL('/health', url).toString());
await page.evaluate((streamUrl) => {
  const es = new EventSource(streamUrl);
  es.onopen = () => window.report({ kind: 'open' });
  es.onerror = () => window.report({ kind: 'error', message: 'readyState ' + es.readyState });
  const event = (e) => window.report({ kind: 'event', type: e.type, id: e.lastEventId, data: e.data });
  es.onmessage = event;
  es.addEventListener('herald.reset', event);
}, url);
setTimeout(done, Number(seconds) * 1000);
