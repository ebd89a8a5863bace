// The streaming methods of megalodon (Pleroma mode) and masto.js against a running server,
// for tests/e2e/test_client_coverage.py: each stream is opened the library's way, something
// it must carry is done over REST, and the call passes when the event arrives (in 5 s).
// usage: node streams.mjs <megalodon|masto> '<config JSON>'; prints {calls, not_covered}.
import WebSocket from "ws";
import { Coverage, sleep } from "./harness.mjs";

const [clientName, rawConfig] = process.argv.slice(2);
const config = JSON.parse(rawConfig);
const c = new Coverage();
const TIMEOUT = 5000;

const megalodon = await import("megalodon");
const rest = (token) => new megalodon.Pleroma(config.url, token);
const alice = rest(config.alice), bob = rest(config.bob);
const aliceMe = (await alice.verifyAccountCredentials()).data;
const bobMe = (await bob.verifyAccountCredentials()).data;
await alice.followAccount(bobMe.id);
const list = (await alice.createList("Streamed")).data;
await alice.addAccountsToList(list.id, [bobMe.id]);

// Wait for `predicate(event, payload)` among what `subscribe(push)` delivers.
function waiter() {
  const seen = [];
  let wake = null;
  return {
    push(event, payload) { seen.push([event, payload]); if (wake) wake(); },
    async until(predicate) {
      const deadline = Date.now() + TIMEOUT;
      for (;;) {
        const hit = seen.find(([event, payload]) => predicate(event, payload));
        if (hit) return hit;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`not received; got ${JSON.stringify(seen.map(([e]) => e))}`);
        await Promise.race([new Promise((resolve) => { wake = resolve; }), sleep(left)]);
      }
    },
  };
}

const isUpdate = (id) => (event, payload) => event === "update" && payload && payload.id === id;
const post = async (text, options = {}) => (await bob.postStatus(text, options)).data;
// [method, route, open(), act() -> predicate]
const cases = {
  megalodon: [
    ["userStreaming", "GET /api/v1/streaming?stream=user", () => alice.userStreaming(),
      async () => isUpdate((await post("to followers")).id)],
    ["userStreaming (notification)", "GET /api/v1/streaming?stream=user", () => alice.userStreaming(),
      async () => { await post(`@${aliceMe.acct} ping`); return (event, n) => event === "notification" && n.type === "mention"; }],
    ["publicStreaming", "GET /api/v1/streaming?stream=public", () => alice.publicStreaming(),
      async () => isUpdate((await post("public one")).id)],
    ["localStreaming", "GET /api/v1/streaming?stream=public:local", () => alice.localStreaming(),
      async () => isUpdate((await post("local one")).id)],
    ["tagStreaming", "GET /api/v1/streaming?stream=hashtag&tag=", () => alice.tagStreaming("streamed"),
      async () => isUpdate((await post("tagged #streamed")).id)],
    ["listStreaming", "GET /api/v1/streaming?stream=list&list=", () => alice.listStreaming(list.id),
      async () => isUpdate((await post("for the list")).id)],
    ["directStreaming", "GET /api/v1/streaming?stream=direct", () => alice.directStreaming(),
      async () => { const dm = await post(`@${aliceMe.acct} psst`, { visibility: "direct" });
        return (event, conversation) => event === "conversation" && conversation.last_status.id === dm.id; }],
  ],
};

async function runMegalodon() {
  for (const [method, route, open, act] of cases.megalodon) {
    await c.call(method, route, async () => {
      const events = waiter();
      const stream = await open();
      const ready = new Promise((resolve, reject) => { stream.on("connect", resolve); setTimeout(() => reject(new Error("no connect")), TIMEOUT); });
      for (const name of ["update", "notification", "conversation", "delete"]) stream.on(name, (payload) => events.push(name, payload));
      stream.on("error", () => {});  // megalodon reports events it does not know (filters_changed) as errors
      try {
        await ready;
        await sleep(200);
        await events.until(await act());
      } finally {
        stream.stop();
      }
    });
  }
}

async function runMasto() {
  const { createRestAPIClient, createStreamingAPIClient } = await import("masto");
  const instance = await createRestAPIClient({ url: config.url }).v2.instance.fetch();
  const streaming = createStreamingAPIClient({ streamingApiUrl: instance.configuration.urls.streaming,
                                               accessToken: config.alice, implementation: WebSocket });
  await streaming.prepare();  // open the socket before the first subscription (masto opens it lazily)
  const filterUrl = `${config.url}/api/v1/filters`;
  const mastoCases = [
    ["user.subscribe", "stream=user", () => streaming.user.subscribe(), async () => isUpdate((await post("to followers")).id)],
    ["user.subscribe (filters_changed)", "stream=user", () => streaming.user.subscribe(), async () => {
      await fetch(filterUrl, { method: "POST", headers: { Authorization: `Bearer ${config.alice}`, "Content-Type": "application/json" },
                               body: JSON.stringify({ phrase: "spoiler", context: ["home"] }) });
      return (event) => event === "filters_changed";
    }],
    ["user.notification.subscribe", "stream=user:notification", () => streaming.user.notification.subscribe(), async () => {
      await post(`@${aliceMe.acct} ping`); return (event, n) => event === "notification" && n.type === "mention"; }],
    ["public.subscribe", "stream=public", () => streaming.public.subscribe(), async () => isUpdate((await post("public one")).id)],
    ["public.local.subscribe", "stream=public:local", () => streaming.public.local.subscribe(), async () => isUpdate((await post("local one")).id)],
    ["public.media.subscribe", "stream=public:media", () => streaming.public.media.subscribe(), async () => {
      const media = (await bob.uploadMedia((await import("node:fs")).createReadStream(config.image))).data;
      return isUpdate((await post("with media", { media_ids: [media.id] })).id);
    }],
    ["hashtag.subscribe", "stream=hashtag&tag=", () => streaming.hashtag.subscribe({ tag: "streamed" }),
      async () => isUpdate((await post("tagged #streamed")).id)],
    ["hashtag.local.subscribe", "stream=hashtag:local&tag=", () => streaming.hashtag.local.subscribe({ tag: "streamed" }),
      async () => isUpdate((await post("tagged again #streamed")).id)],
    ["list.subscribe", "stream=list&list=", () => streaming.list.subscribe({ list: list.id }), async () => isUpdate((await post("for the list")).id)],
    ["direct.subscribe", "stream=direct", () => streaming.direct.subscribe(), async () => {
      const dm = await post(`@${aliceMe.acct} psst`, { visibility: "direct" });
      return (event, conversation) => event === "conversation" && conversation.lastStatus.id === dm.id; }],
  ];
  for (const [method, route, open, act] of mastoCases) {
    await c.call(`streaming.${method}`, `GET /api/v1/streaming (${route})`, async () => {
      const events = waiter();
      const subscription = open();
      const reading = (async () => { for await (const event of subscription) events.push(event.event, event.payload); })();
      try {
        await sleep(1000);  // masto subscribes once its socket is open; there is no reply to wait for
        await events.until(await act());
      } finally {
        subscription.unsubscribe();
        await Promise.race([reading.catch(() => {}), sleep(100)]);
      }
    });
  }
  streaming.close();
}

if (clientName === "masto") await runMasto(); else await runMegalodon();
c.print();
process.exit(0);
