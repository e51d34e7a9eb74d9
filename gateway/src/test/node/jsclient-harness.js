// One @herald/client subscriber and publisher, set up the same way in Node and in the page (jsclient.mjs
// loads this file in both), recording what the app sees.
export function subscribe({ HeraldClient, HeraldPublisher, EventSource, base, topic, cursor, mintToken, storage, storageKey }) {
  const seen = { events: [], opens: 0, errors: 0, tokenReasons: [], resets: [] };
  const client = new HeraldClient({
    url: base, topics: [topic], cursor, EventSource, storage, storageKey, retry: 300,
    getToken: (reason) => {
      seen.tokenReasons.push(reason);
      return mintToken();
    },
  });
  // 'note' is a named event: without its own handler it would never be seen.
  for (const name of ['message', 'note']) client.on(name, (e) => seen.events.push({ type: e.type, id: e.id, data: e.data }));
  client.onOpen(() => seen.opens++);
  client.onError(() => seen.errors++);
  client.onReset((t, info) => seen.resets.push({ topic: t, ...info }));
  const publisher = new HeraldPublisher({ url: base, token: mintToken });
  return {
    // Another topic than the token's: the refusal as the app gets it.
    publish: (event, data, to = topic) => publisher.publish(to, event ? { event, data } : { data })
      .catch((e) => { if (e.name === 'HeraldError') return { refused: { status: e.status, code: e.code } }; throw e; }),
    snapshot: () => ({ ...seen, cursor: client.cursor, state: client.state }),
    close: () => client.close(),
  };
}
