// Opens N EventSources from one page to one HTTPS origin in headless Chromium, for Http2BrowserIT.
// Usage: node browser-h2.mjs <https-base-url> <topic> <streams> <expected-events> <timeout-ms>
// Prints one JSON line: {"protocol":"h2","opened":N,"counts":[...events per stream...]}.
// Over HTTP/1.1 a browser allows six connections per origin, so the seventh stream would never open.
import { chromium } from 'playwright-core';

const [base, topic, streams, expected, timeoutMs] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--ignore-certificate-errors'],
});
try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto(base + '/demo');
  await page.evaluate(({ topic, n }) => {
    window.heraldStreams = [];
    for (let i = 0; i < n; i++) {
      const s = { opened: false, count: 0 };
      const es = new EventSource('/v1/stream?topic=' + topic);
      es.onopen = () => { s.opened = true; };
      es.onmessage = () => { s.count++; };
      window.heraldStreams.push(s);
    }
  }, { topic, n: Number(streams) });
  await page.waitForFunction((n) => window.heraldStreams.filter((s) => s.opened).length === n,
    Number(streams), { timeout: Number(timeoutMs) });
  process.stdout.write(JSON.stringify({ kind: 'open' }) + '\n');
  await page.waitForFunction((want) => window.heraldStreams.every((s) => s.count >= want),
    Number(expected), { timeout: Number(timeoutMs) }).catch(() => {});
  const result = await page.evaluate(() => ({
    protocol: performance.getEntriesByType('navigation')[0].nextHopProtocol,
    opened: window.heraldStreams.filter((s) => s.opened).length,
    counts: window.heraldStreams.map((s) => s.count),
  }));
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  await browser.close();
}
