// A real JavaScript client of the streaming API, for tests/e2e/test_streaming_clients.py.
// usage: node stream.mjs <megalodon|masto> <REST base URL> <access token>
// Opens the user stream the way the client library does (finding the streaming URL in the
// instance document), prints {"ready": true} once connected, then one JSON line per event:
// {"event": "update" | "status.update" | "notification" | "delete", "id": ...}.
import WebSocket from "ws";

const [client, baseUrl, token] = process.argv.slice(2);
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

async function withMegalodon() {
  const megalodon = await import("megalodon");
  const api = new megalodon.Pleroma(baseUrl, token);  // what generator("pleroma", ...) builds
  const stream = await api.userStreaming();
  stream.on("connect", () => print({ ready: true }));
  stream.on("update", (status) => print({ event: "update", id: status.id, acct: status.account.acct }));
  stream.on("status_update", (status) => print({ event: "status.update", id: status.id, content: status.content }));
  stream.on("notification", (n) => print({ event: "notification", id: n.id, type: n.type }));
  stream.on("delete", (id) => print({ event: "delete", id }));
  stream.on("error", (error) => print({ error: String(error) }));
}

async function withMasto() {
  const { createRestAPIClient, createStreamingAPIClient } = await import("masto");
  const rest = createRestAPIClient({ url: baseUrl, accessToken: token });
  const instance = await rest.v2.instance.fetch();
  const streaming = createStreamingAPIClient({
    streamingApiUrl: instance.configuration.urls.streaming, accessToken: token, implementation: WebSocket,
  });
  const subscription = streaming.user.subscribe();
  // masto opens the socket on the first read; it subscribes once the socket is open.
  setTimeout(() => print({ ready: true }), 1000);
  for await (const event of subscription) {
    const payload = event.payload;
    if (event.event === "update") print({ event: "update", id: payload.id, acct: payload.account.acct });
    else if (event.event === "status.update") print({ event: "status.update", id: payload.id, content: payload.content });
    else if (event.event === "notification") print({ event: "notification", id: payload.id, type: payload.type });
    else if (event.event === "delete") print({ event: "delete", id: payload });
  }
}

(client === "masto" ? withMasto() : withMegalodon()).catch((error) => {
  print({ error: String(error && error.stack || error) });
  process.exit(1);
});
