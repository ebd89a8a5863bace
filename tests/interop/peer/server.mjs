// A small Fedify server that tests/interop drives against pleroma_py over real HTTP(S).
//
// The fediverse side is plain Fedify: actors with RSA keys, WebFinger, signed inboxes
// (Fedify verifies every incoming signature), a Note dispatcher that refuses non-public
// notes to requests not signed by an addressee, and Accept of follows to unlocked actors.
// The test side is a JSON control API under /_control/ (never part of the federation):
// make actors, send activities (through Fedify's vocabulary, or signed as given with
// send-raw), look objects up, serve files under /files/ (the media its notes attach),
// and read what the inboxes received (as parsed and as posted).
//
// Environment: PEER_ORIGIN (https://fedify.test), PEER_HOST and PEER_PORT to listen on,
// TLS_CERT and TLS_KEY (PEM files; without them it serves plain HTTP).
import "./polyfills.mjs";

import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

import { configure, getConsoleSink } from "@logtape/logtape";
import {
  createFederation, exportJwk, generateCryptoKeyPair, importJwk, MemoryKvStore, signRequest,
} from "@fedify/fedify";
import {
  Accept, Activity, Endpoints, Follow, Note, Person, PUBLIC_COLLECTION, Undo, isActor,
} from "@fedify/vocab";

const origin = process.env.PEER_ORIGIN ?? "http://127.0.0.1:8800";
const listenHost = process.env.PEER_HOST ?? "127.0.0.1";
const listenPort = Number(process.env.PEER_PORT ?? 8800);

await configure({
  contextLocalStorage: new AsyncLocalStorage(),
  sinks: { console: getConsoleSink() },
  loggers: [
    { category: "fedify", lowestLevel: process.env.PEER_LOG_LEVEL ?? "info", sinks: ["console"] },
    { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
  ],
});

/** identifier -> { locked, name, aliases: [uri], keys: [{privateKey, publicKey} as JWK], followers: Map<id, inbox> } */
const actors = new Map();
/** note id -> { identifier, json, audience: Set<string> } */
const notes = new Map();
/** every activity the inboxes accepted, in order, as received */
const received = [];
/** errors raised while processing an inbox activity */
const inboxErrors = [];
/** path under /files/ -> { contentType, body: Buffer, hits } (media the peer's notes attach) */
const files = new Map();
/** every POST to an inbox, as posted: { path, status, activity } (also what Fedify refused) */
const inboxPosts = [];
/** activity id -> the JSON as posted, for `received` (Fedify's compaction drops unknown terms) */
const postedById = new Map();

// Fedify's cache (remote keys, documents, inbox idempotence) lives in the store; each test
// starts with an empty one, since this server's accounts and keys are made anew per test.
let store = new MemoryKvStore();
const kv = new Proxy({}, {
  get: (_target, name) => (typeof store[name] === "function" ? store[name].bind(store) : store[name]),
});

const federation = createFederation({
  kv,
  origin,
  // The test servers live on 127.0.0.x; Fedify refuses private addresses by default.
  allowPrivateAddress: true,
});

async function keyPairsOf(identifier) {
  const actor = actors.get(identifier);
  if (actor == null) return [];
  const pairs = [];
  for (const key of actor.keys) {
    pairs.push({ privateKey: await importJwk(key.privateKey, "private"),
                 publicKey: await importJwk(key.publicKey, "public") });
  }
  return pairs;
}

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    const actor = actors.get(identifier);
    if (actor == null) return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: actor.name,
      url: ctx.getActorUri(identifier),
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      followers: ctx.getFollowersUri(identifier),
      manuallyApprovesFollowers: actor.locked,
      aliases: actor.aliases.map((uri) => new URL(uri)),
      publicKey: keys[0]?.cryptographicKey,
      assertionMethods: keys.map((key) => key.multikey),
    });
  })
  .setKeyPairsDispatcher(async (ctx, identifier) => keyPairsOf(identifier));

federation.setFollowersDispatcher("/users/{identifier}/followers", async (ctx, identifier) => {
  const actor = actors.get(identifier);
  if (actor == null) return null;
  const items = [...actor.followers.entries()].map(([id, inbox]) => ({ id: new URL(id), inboxId: new URL(inbox) }));
  return { items };
});

federation
  .setObjectDispatcher(Note, "/users/{identifier}/notes/{id}", async (ctx, values) => {
    const note = notes.get(ctx.getObjectUri(Note, values).href);
    if (note == null) return null;
    return await Note.fromJsonLd(note.json, { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader });
  })
  .authorize(async (ctx, values) => {
    const note = notes.get(ctx.getObjectUri(Note, values).href);
    if (note == null || note.audience.has(PUBLIC_COLLECTION.href)) return true;
    const owner = await ctx.getSignedKeyOwner();
    return owner?.id != null && note.audience.has(owner.id.href);
  });

async function record(ctx, activity, recipient) {
  const json = await activity.toJsonLd({ contextLoader: ctx.contextLoader });
  received.push({
    recipient, type: json.type ?? activity.constructor.name, id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null, activity: json,
    posted: (activity.id && postedById.get(activity.id.href)) ?? null,
  });
}

async function acceptFollow(ctx, follow) {
  const target = follow.objectId == null ? null : ctx.parseUri(follow.objectId);
  if (target?.type !== "actor" || !actors.has(target.identifier)) return;
  const actor = actors.get(target.identifier);
  const follower = await follow.getActor();
  if (follower == null || follower.id == null || follower.inboxId == null) return;
  if (actor.locked) return; // answered through /_control/send by the test
  actor.followers.set(follower.id.href, (follower.endpoints?.sharedInbox ?? follower.inboxId).href);
  await ctx.sendActivity({ identifier: target.identifier }, follower, new Accept({
    id: new URL(`${ctx.getActorUri(target.identifier).href}/accepts/${randomUUID()}`),
    actor: ctx.getActorUri(target.identifier),
    object: follow,
  }));
}

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Follow, async (ctx, follow) => {
    try {
      await acceptFollow(ctx, follow);
    } finally {
      // recorded once answered: a test that saw the Follow finds the follower listed
      await record(ctx, follow, ctx.recipient);
    }
  })
  .on(Undo, async (ctx, undo) => {
    await record(ctx, undo, ctx.recipient);
    let follow = null;
    try {
      follow = await undo.getObject();
    } catch {
      return; // an Undo of an object it cannot fetch changes nothing here
    }
    if (!(follow instanceof Follow) || follow.objectId == null || undo.actorId == null) return;
    const target = ctx.parseUri(follow.objectId);
    if (target?.type === "actor") actors.get(target.identifier)?.followers.delete(undo.actorId.href);
  })
  .on(Activity, async (ctx, activity) => {
    await record(ctx, activity, ctx.recipient);
  })
  .onError(async (ctx, error) => {
    inboxErrors.push(String(error?.stack ?? error));
  });

// --- the control API ---------------------------------------------------------------------

async function createActor({ identifier, locked = false, name = null, aliases = null }) {
  if (!actors.has(identifier)) {
    const pair = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    actors.set(identifier, {
      locked, name: name ?? identifier, followers: new Map(), aliases: [],
      keys: [{ privateKey: await exportJwk(pair.privateKey), publicKey: await exportJwk(pair.publicKey) }],
    });
  }
  if (aliases != null) actors.get(identifier).aliases = aliases; // alsoKnownAs, settable again
  const ctx = federation.createContext(new URL(origin));
  return {
    id: ctx.getActorUri(identifier).href, inbox: ctx.getInboxUri(identifier).href,
    handle: `${identifier}@${new URL(origin).host}`,
  };
}

async function compact(object, ctx) {
  return object == null ? null : await object.toJsonLd({ contextLoader: ctx.contextLoader });
}

function storeObject(identifier, object) {
  // Notes this peer sends are served by the Note dispatcher afterwards.
  if (object == null || typeof object !== "object" || typeof object.id !== "string") return;
  if (!object.id.startsWith(origin) || object.type !== "Note") return;
  const audience = new Set([object.to, object.cc].flat().filter((v) => typeof v === "string"));
  notes.set(object.id, { identifier, json: object, audience });
}

async function recipientsOf(ctx, identifier, to) {
  const loader = await ctx.getDocumentLoader({ identifier });
  const recipients = [];
  for (const uri of to) {
    if (uri === "followers") {
      for (const [id, inbox] of actors.get(identifier).followers) recipients.push({ id: new URL(id), inboxId: new URL(inbox) });
      continue;
    }
    const actor = await ctx.lookupObject(uri, { documentLoader: loader });
    if (!isActor(actor)) throw new Error(`not an actor: ${uri}`);
    recipients.push(actor);
  }
  return recipients;
}

const control = {
  "POST /_control/actors": async (body) => createActor(body),

  // Publish a Note (JSON-LD) of `as` without sending it: the Note dispatcher serves it.
  "POST /_control/notes": async ({ as, note }) => {
    storeObject(as, note);
    return { id: note.id };
  },

  // Serve `base64` as https://<peer>/files/<name> with this Content-Type (an attachment's file).
  "POST /_control/files": async ({ name, contentType, base64 }) => {
    files.set(`/files/${name}`, { contentType, body: Buffer.from(base64, "base64"), hits: 0 });
    return { url: `${origin}/files/${name}` };
  },

  // How many times each served file was fetched.
  "GET /_control/files": async () => Object.fromEntries([...files].map(([path, file]) => [path, file.hits])),

  "GET /_control/received": async () => received,

  "GET /_control/errors": async () => inboxErrors,

  "GET /_control/inbox-posts": async () => inboxPosts,

  "GET /_control/followers": async (_body, query) => {
    const actor = actors.get(query.get("identifier"));
    return actor == null ? [] : [...actor.followers.keys()];
  },

  // ctx.lookupObject: a handle (WebFinger, then the actor) or a URL; `as` signs the fetches.
  "POST /_control/lookup": async ({ query, as }, _q, ctx) => {
    const documentLoader = as ? await ctx.getDocumentLoader({ identifier: as }) : undefined;
    const object = await ctx.lookupObject(query, documentLoader ? { documentLoader } : {});
    return { found: object != null, type: object?.constructor?.name ?? null, object: await compact(object, ctx) };
  },

  "POST /_control/webfinger": async ({ resource }, _q, ctx) => ({ descriptor: await ctx.lookupWebFinger(resource) }),

  // A raw GET with an ActivityPub Accept header, signed (draft-cavage) by `as` when given.
  "POST /_control/fetch": async ({ url, as }, _q, ctx) => {
    let request = new Request(url, { headers: { Accept: "application/activity+json" } });
    if (as) {
      const [pair] = await keyPairsOf(as);
      request = await signRequest(request, pair.privateKey, new URL(`${ctx.getActorUri(as).href}#main-key`),
                                  { spec: "draft-cavage-http-signatures-12" });
    }
    const response = await fetch(request, { redirect: "manual" });
    return { status: response.status, contentType: response.headers.get("content-type"), body: await response.text() };
  },

  // Send an activity (JSON-LD) as `as` to actor URIs ("followers": that actor's followers).
  "POST /_control/send": async ({ as, to, activity }, _q, ctx) => {
    if (!actors.has(as)) throw new Error(`no actor ${as}`);
    storeObject(as, activity.object);
    const parsed = await Activity.fromJsonLd(activity, { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader });
    const recipients = await recipientsOf(ctx, as, to);
    if (activity.type === "Accept" && activity.object?.type === "Follow") {
      const follower = recipients[0];
      actors.get(as).followers.set(follower.id.href, (follower.endpoints?.sharedInbox ?? follower.inboxId).href);
    }
    await ctx.sendActivity({ identifier: as }, recipients, parsed, { preferSharedInbox: false });
    return { sent: recipients.map((r) => r.id.href) };
  },

  // Send the JSON as given (terms Fedify does not know kept), signed (draft-cavage, with a
  // Digest) by `as`, to each actor's own inbox: [{to, status, body}].
  "POST /_control/send-raw": async ({ as, to, activity }, _q, ctx) => {
    if (!actors.has(as)) throw new Error(`no actor ${as}`);
    storeObject(as, activity.object);
    const [pair] = await keyPairsOf(as);
    const answers = [];
    for (const recipient of await recipientsOf(ctx, as, to)) {
      const request = new Request(recipient.inboxId, {
        method: "POST", headers: { "Content-Type": "application/activity+json" }, body: JSON.stringify(activity),
      });
      const signed = await signRequest(request, pair.privateKey, new URL(`${ctx.getActorUri(as).href}#main-key`),
                                       { spec: "draft-cavage-http-signatures-12" });
      const response = await fetch(signed);
      answers.push({ to: recipient.id.href, status: response.status, body: await response.text() });
    }
    return answers;
  },

  "POST /_control/reset": async () => {
    actors.clear(); notes.clear(); files.clear(); received.length = 0; inboxErrors.length = 0;
    inboxPosts.length = 0; postedById.clear();
    store = new MemoryKvStore();
    return { ok: true };
  },
};

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function handle(req, res) {
  const scheme = process.env.TLS_CERT ? "https" : "http";
  const url = new URL(req.url, `${scheme}://${req.headers.host ?? new URL(origin).host}`);
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readBody(req);
  const route = control[`${req.method} ${url.pathname}`];
  if (route != null) {
    const ctx = federation.createContext(new URL(origin));
    let status = 200, answer;
    try {
      answer = await route(body?.length ? JSON.parse(body.toString()) : {}, url.searchParams, ctx);
    } catch (error) {
      status = 500;
      answer = { error: String(error?.stack ?? error) };
    }
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(answer));
    return;
  }
  const file = req.method === "GET" ? files.get(url.pathname) : undefined;
  if (file != null) {
    file.hits += 1;
    res.writeHead(200, { "Content-Type": file.contentType, "Content-Length": file.body.length });
    res.end(file.body);
    return;
  }
  let posted = null;
  if (req.method === "POST" && body?.length) {
    try {
      posted = JSON.parse(body.toString());
    } catch {
      posted = { unparsable: body.toString().slice(0, 1000) };
    }
    if (typeof posted?.id === "string") postedById.set(posted.id, posted);
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value != null) headers.set(name, value);
  }
  const response = await federation.fetch(new Request(url, { method: req.method, headers, body }), {
    contextData: undefined,
    onNotFound: () => new Response("Not found", { status: 404 }),
    onNotAcceptable: () => new Response("Not acceptable", { status: 406 }),
  });
  if (posted != null) inboxPosts.push({ path: url.pathname, status: response.status, activity: posted });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

function serve(req, res) {
  handle(req, res).catch((error) => {
    console.error(error);
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ error: String(error) }));
  });
}

const server = process.env.TLS_CERT
  ? https.createServer({ cert: readFileSync(process.env.TLS_CERT), key: readFileSync(process.env.TLS_KEY) }, serve)
  : http.createServer(serve);
server.listen(listenPort, listenHost, () => console.log(`fedify peer listening on ${origin} (${listenHost}:${listenPort})`));
