// Subscribes with the npm `eventsource` package (a WHATWG-conforming EventSource) and prints one JSON
// line per received event or connection change, so a Java test can read exactly what a real client got.
// Usage: node listen.mjs <url> <seconds>
import { EventSource } from 'eventsource';

const [url, seconds] = process.argv.slice(2);
const es = new EventSource(url);
const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');
es.onopen = () => print({ kind: 'open' });
es.onerror = (e) => print({ kind: 'error', message: String(e && e.message) });
es.onmessage = (e) => print({ kind: 'event', type: e.type, id: e.lastEventId, data: e.data });
es.addEventListener('herald.reset', (e) => print({ kind: 'event', type: e.type, id: e.lastEventId, data: e.data }));
setTimeout(() => { es.close(); process.exit(0); }, Number(seconds) * 1000);
