// Compiled (not run) by `npm run typecheck`: the hand-written src/index.d.ts must describe the API as the
// README uses it, and reject what it should.
import { HeraldClient, HeraldError, HeraldPublisher, ResetInfo, TokenReason } from '../src/index.js';

interface Order { id: number }

const client = new HeraldClient<{ 'order.created': Order }>({
  topics: ['orders'],
  storageKey: 'herald:orders',
  getToken: async (reason: TokenReason) => `token for ${reason}`,
});
const off: () => void = client.on('order.created', (e) => console.log(e.json().id + 1, e.id, e.type));
client.on('message', (e) => console.log(e.data));
client.onReset((topic: string, info: ResetInfo) => console.log(topic, info.reason, info.resumeFrom, info.oldestRetained));
client.onOpen(() => console.log(client.cursor, client.state));
off();
client.close();

const publisher = new HeraldPublisher({ url: 'http://127.0.0.1:8080', token: () => 'jwt' });
publisher.publish('orders', { event: 'order.created', data: { id: 42 }, idempotencyKey: 'order-42' })
  .then((r) => console.log(r.id, r.duplicate))
  .catch((e: HeraldError) => console.log(e.status, e.code, e.retryAfter));
publisher.publishBatch([{ topic: 'orders', data: 'a' }]).then((r) => console.log(r.events[0].id));

// @ts-expect-error an order.created event's data is an Order
client.on('order.created', (e) => { const s: string = e.json(); return s; });
// @ts-expect-error topics are required
new HeraldClient({});
// @ts-expect-error data is required
publisher.publish('orders', { event: 'x' });
