// The REST methods of masto.js (createRestAPIClient) for the Mastodon base we serve, against
// a running server, for tests/e2e/test_client_coverage.py. masto sends JSON (camelCase
// turned into snake_case) and parses answers into camelCase entities.
// usage: node masto.mjs '<config JSON>'; prints one JSON line: {calls: [...], not_covered: [...]}.
import fs from "node:fs";
import { Coverage, expect, pushKeys } from "./harness.mjs";

const config = JSON.parse(process.argv[2]);
const { createOAuthAPIClient, createRestAPIClient } = await import("masto");
const client = (accessToken) => createRestAPIClient({ url: config.url, accessToken });
const alice = client(config.alice), bob = client(config.bob), carol = client(config.carol);
const anonymous = createRestAPIClient({ url: config.url });
const c = new Coverage();
const isArray = (v) => expect(Array.isArray(v), "not an array");

// --- apps, oauth --------------------------------------------------------------------------
await c.call("v1.apps.create", "POST /api/v1/apps",
  () => anonymous.v1.apps.create({ clientName: "coverage", redirectUris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read write" }),
  (app) => expect(app.clientId && app.clientSecret, "no client credentials"));
await c.call("v1.apps.verifyCredentials", "GET /api/v1/apps/verify_credentials", () => alice.v1.apps.verifyCredentials(),
  (app) => expect(app.name === "e2e", app.name));
const oauth = createOAuthAPIClient({ url: config.url });
await c.call("oauth.token.create (password)", "POST /oauth/token", () => oauth.token.create({
  grantType: "password", clientId: config.app.client_id, clientSecret: config.app.client_secret,
  username: "bob", password: config.password, scope: "read" }), (t) => expect(t.accessToken, "no token"));
await c.call("oauth.revoke", "POST /oauth/revoke", () => oauth.revoke({
  clientId: config.app.client_id, clientSecret: config.app.client_secret, token: config.spare_token }));
await c.call("v1.accounts.create", "POST /api/v1/accounts", () => client(config.app_token).v1.accounts.create({
  username: "newcomer", email: "newcomer@example.com", password: "a long password 1", agreement: true, locale: "en" }),
  (t) => expect(t.accessToken, "no token"));

// --- accounts -----------------------------------------------------------------------------
const me = await c.call("v1.accounts.verifyCredentials", "GET /api/v1/accounts/verify_credentials",
  () => alice.v1.accounts.verifyCredentials(), (a) => expect(a.username === "alice", a.username));
const bobMe = await bob.v1.accounts.verifyCredentials();
const carolMe = await carol.v1.accounts.verifyCredentials();
await c.call("v1.accounts.updateCredentials", "PATCH /api/v1/accounts/update_credentials",
  () => alice.v1.accounts.updateCredentials({ displayName: "Alice A.", source: { privacy: "public", language: "en" } }),
  (a) => expect(a.displayName === "Alice A." && a.source.privacy === "public", a.displayName));
await carol.v1.accounts.updateCredentials({ locked: true });
await c.call("v1.accounts.$select.fetch", "GET /api/v1/accounts/:id", () => alice.v1.accounts.$select(bobMe.id).fetch(),
  (a) => expect(a.acct === "bob", a.acct));
await c.call("v1.accounts.lookup", "GET /api/v1/accounts/lookup", () => alice.v1.accounts.lookup({ acct: "bob" }),
  (a) => expect(a.id === bobMe.id, a.id));
await c.call("v1.accounts.$select.follow", "POST /api/v1/accounts/:id/follow", () => alice.v1.accounts.$select(bobMe.id).follow({ reblogs: true }),
  (r) => expect(r.following === true, "not following"));
const bobPost = await bob.v1.statuses.create({ status: "hello from bob #masto" });
await c.call("v1.accounts.$select.statuses.list", "GET /api/v1/accounts/:id/statuses",
  () => alice.v1.accounts.$select(bobMe.id).statuses.list({ limit: 5 }), (s) => expect(s[0] && s[0].id === bobPost.id, "post missing"));
await c.call("v1.accounts.$select.followers.list", "GET /api/v1/accounts/:id/followers",
  () => alice.v1.accounts.$select(bobMe.id).followers.list(), (a) => expect(a.some((x) => x.id === me.id), "alice missing"));
await c.call("v1.accounts.$select.following.list", "GET /api/v1/accounts/:id/following",
  () => alice.v1.accounts.$select(me.id).following.list(), (a) => expect(a.some((x) => x.id === bobMe.id), "bob missing"));
await c.call("v1.accounts.relationships.fetch", "GET /api/v1/accounts/relationships",
  () => alice.v1.accounts.relationships.fetch({ id: [bobMe.id] }), (r) => expect(r[0].following === true, "not following"));
await c.call("v1.accounts.search.list", "GET /api/v1/accounts/search", () => alice.v1.accounts.search.list({ q: "bob" }),
  (a) => expect(a[0] && a[0].acct === "bob", "bob not found"));
await c.call("v1.accounts.familiarFollowers.fetch", "GET /api/v1/accounts/familiar_followers",
  () => alice.v1.accounts.familiarFollowers.fetch({ id: [carolMe.id] }), (f) => expect(Array.isArray(f) && f[0].id === carolMe.id, JSON.stringify(f)));
await c.call("v1.accounts.$select.note.create", "POST /api/v1/accounts/:id/note",
  () => alice.v1.accounts.$select(bobMe.id).note.create({ comment: "met at the fair" }), (r) => expect(r.note === "met at the fair", r.note));
await c.call("v1.accounts.$select.pin", "POST /api/v1/accounts/:id/pin", () => alice.v1.accounts.$select(bobMe.id).pin(),
  (r) => expect(r.endorsed === true, "not endorsed"));
await c.call("v1.endorsements.list", "GET /api/v1/endorsements", () => alice.v1.endorsements.list(),
  (a) => expect(a.some((x) => x.id === bobMe.id), "bob missing"));
await c.call("v1.accounts.$select.unpin", "POST /api/v1/accounts/:id/unpin", () => alice.v1.accounts.$select(bobMe.id).unpin(),
  (r) => expect(r.endorsed === false, "still endorsed"));
await c.call("v1.accounts.$select.mute", "POST /api/v1/accounts/:id/mute", () => alice.v1.accounts.$select(carolMe.id).mute({ notifications: true }),
  (r) => expect(r.muting === true, "not muting"));
await c.call("v1.mutes.list", "GET /api/v1/mutes", () => alice.v1.mutes.list(), (a) => expect(a.some((x) => x.id === carolMe.id), "carol missing"));
await c.call("v1.accounts.$select.unmute", "POST /api/v1/accounts/:id/unmute", () => alice.v1.accounts.$select(carolMe.id).unmute(),
  (r) => expect(r.muting === false, "still muting"));
await c.call("v1.accounts.$select.block", "POST /api/v1/accounts/:id/block", () => alice.v1.accounts.$select(carolMe.id).block(),
  (r) => expect(r.blocking === true, "not blocking"));
await c.call("v1.blocks.list", "GET /api/v1/blocks", () => alice.v1.blocks.list(), (a) => expect(a.some((x) => x.id === carolMe.id), "carol missing"));
await c.call("v1.accounts.$select.unblock", "POST /api/v1/accounts/:id/unblock", () => alice.v1.accounts.$select(carolMe.id).unblock(),
  (r) => expect(r.blocking === false, "still blocking"));
await c.call("v1.domainBlocks.create", "POST /api/v1/domain_blocks", () => alice.v1.domainBlocks.create({ domain: "spam.example" }));
await c.call("v1.domainBlocks.list", "GET /api/v1/domain_blocks", () => alice.v1.domainBlocks.list(),
  (d) => expect(d.includes("spam.example"), JSON.stringify(d)));
await c.call("v1.domainBlocks.remove", "DELETE /api/v1/domain_blocks", () => alice.v1.domainBlocks.remove({ domain: "spam.example" }));
await alice.v1.accounts.$select(carolMe.id).follow();
await bob.v1.accounts.$select(carolMe.id).follow();
await c.call("v1.followRequests.list", "GET /api/v1/follow_requests", () => carol.v1.followRequests.list(),
  (a) => expect(a.length === 2, `${a.length} requests`));
await c.call("v1.followRequests.$select.authorize", "POST /api/v1/follow_requests/:id/authorize",
  () => carol.v1.followRequests.$select(me.id).authorize(), (r) => expect(r.followedBy === true, "not followed"));
await c.call("v1.followRequests.$select.reject", "POST /api/v1/follow_requests/:id/reject",
  () => carol.v1.followRequests.$select(bobMe.id).reject(), (r) => expect(r.followedBy === false, "followed"));
await c.call("v1.accounts.$select.unfollow", "POST /api/v1/accounts/:id/unfollow", () => alice.v1.accounts.$select(carolMe.id).unfollow(),
  (r) => expect(r.following === false, "still following"));
await c.call("v1.suggestions.list", "GET /api/v1/suggestions", () => alice.v1.suggestions.list(), isArray);
await c.call("v2.suggestions.list", "GET /api/v2/suggestions", () => alice.v2.suggestions.list(), isArray);
await c.call("v1.directory.list", "GET /api/v1/directory", () => alice.v1.directory.list({ limit: 5 }), isArray);

// --- lists --------------------------------------------------------------------------------
const list = await c.call("v1.lists.create", "POST /api/v1/lists", () => alice.v1.lists.create({ title: "Friends", repliesPolicy: "list" }),
  (l) => expect(l.title === "Friends" && l.repliesPolicy === "list", l.title));
await c.call("v1.lists.list", "GET /api/v1/lists", () => alice.v1.lists.list(), (l) => expect(l.length === 1, "no list"));
await c.call("v1.lists.$select.fetch", "GET /api/v1/lists/:id", () => alice.v1.lists.$select(list.id).fetch(), (l) => expect(l.id === list.id, "wrong list"));
await c.call("v1.lists.$select.update", "PUT /api/v1/lists/:id", () => alice.v1.lists.$select(list.id).update({ title: "Close", exclusive: false }),
  (l) => expect(l.title === "Close", l.title));
await c.call("v1.lists.$select.accounts.create", "POST /api/v1/lists/:id/accounts",
  () => alice.v1.lists.$select(list.id).accounts.create({ accountIds: [bobMe.id] }));
await c.call("v1.lists.$select.accounts.list", "GET /api/v1/lists/:id/accounts", () => alice.v1.lists.$select(list.id).accounts.list(),
  (a) => expect(a.length === 1 && a[0].id === bobMe.id, "bob missing"));
await c.call("v1.accounts.$select.lists.list", "GET /api/v1/accounts/:id/lists", () => alice.v1.accounts.$select(bobMe.id).lists.list(),
  (l) => expect(l.length === 1, "list missing"));
await c.call("v1.timelines.list.$select.list", "GET /api/v1/timelines/list/:id", () => alice.v1.timelines.list.$select(list.id).list(),
  (s) => expect(s[0] && s[0].id === bobPost.id, "post missing"));
await c.call("v1.lists.$select.accounts.remove", "DELETE /api/v1/lists/:id/accounts",
  () => alice.v1.lists.$select(list.id).accounts.remove({ accountIds: [bobMe.id] }));
await c.call("v1.lists.$select.remove", "DELETE /api/v1/lists/:id", () => alice.v1.lists.$select(list.id).remove());

// --- statuses, media, polls, scheduled ----------------------------------------------------
const media = await c.call("v2.media.create", "POST /api/v2/media",
  () => alice.v2.media.create({ file: new Blob([fs.readFileSync(config.image)], { type: "image/png" }), description: "a square" }),
  (m) => expect(m.id && m.type === "image", `type ${m.type}`));
await c.call("v1.media.$select.fetch", "GET /api/v1/media/:id", () => alice.v1.media.$select(media.id).fetch(), (m) => expect(m.id === media.id, "wrong media"));
await c.call("v1.media.$select.update", "PUT /api/v1/media/:id", () => alice.v1.media.$select(media.id).update({ description: "a red square" }),
  (m) => expect(m.description === "a red square", m.description));
const post = await c.call("v1.statuses.create", "POST /api/v1/statuses",
  () => alice.v1.statuses.create({ status: "hello @bob #coverage", mediaIds: [media.id], spoilerText: "cw", language: "en" }),
  (s) => expect(s.mediaAttachments.length === 1 && s.spoilerText === "cw", "media or cw missing"));
await c.call("v1.statuses.$select.fetch", "GET /api/v1/statuses/:id", () => bob.v1.statuses.$select(post.id).fetch(), (s) => expect(s.id === post.id, "wrong"));
await c.call("v1.statuses.fetch", "GET /api/v1/statuses?id[]=", () => bob.v1.statuses.fetch({ id: [post.id, bobPost.id] }),
  (s) => expect(s.length === 2, `${s.length} statuses`));
const reply = await bob.v1.statuses.create({ status: "@alice a reply", inReplyToId: post.id });
await c.call("v1.statuses.$select.context.fetch", "GET /api/v1/statuses/:id/context", () => alice.v1.statuses.$select(post.id).context.fetch(),
  (ctx) => expect(ctx.descendants.some((s) => s.id === reply.id), "reply missing"));
await c.call("v1.statuses.$select.update", "PUT /api/v1/statuses/:id", () => alice.v1.statuses.$select(post.id).update({ status: "edited #coverage" }),
  (s) => expect(s.content.includes("edited") && s.editedAt, "not edited"));
await c.call("v1.statuses.$select.history.list", "GET /api/v1/statuses/:id/history", () => alice.v1.statuses.$select(post.id).history.list(),
  (h) => expect(h.length === 2, `${h.length} versions`));
await c.call("v1.statuses.$select.source.fetch", "GET /api/v1/statuses/:id/source", () => alice.v1.statuses.$select(post.id).source.fetch(),
  (s) => expect(s.text.includes("#coverage"), s.text));
await c.call("v1.statuses.$select.card.fetch", "GET /api/v1/statuses/:id/card", () => alice.v1.statuses.$select(post.id).card.fetch(),
  (card) => expect(card === null || card === "" || typeof card === "object", typeof card));
await c.call("v1.statuses.$select.favourite", "POST /api/v1/statuses/:id/favourite", () => bob.v1.statuses.$select(post.id).favourite(),
  (s) => expect(s.favourited === true, "not favourited"));
await c.call("v1.statuses.$select.favouritedBy.list", "GET /api/v1/statuses/:id/favourited_by",
  () => alice.v1.statuses.$select(post.id).favouritedBy.list(), (a) => expect(a.some((x) => x.id === bobMe.id), "bob missing"));
await c.call("v1.favourites.list", "GET /api/v1/favourites", () => bob.v1.favourites.list(), (s) => expect(s.some((x) => x.id === post.id), "missing"));
await c.call("v1.statuses.$select.unfavourite", "POST /api/v1/statuses/:id/unfavourite", () => bob.v1.statuses.$select(post.id).unfavourite(),
  (s) => expect(s.favourited === false, "still favourited"));
await c.call("v1.statuses.$select.reblog", "POST /api/v1/statuses/:id/reblog", () => bob.v1.statuses.$select(post.id).reblog({ visibility: "public" }),
  (s) => expect(s.reblog && s.reblog.id === post.id, "not a reblog"));
await c.call("v1.statuses.$select.rebloggedBy.list", "GET /api/v1/statuses/:id/reblogged_by",
  () => alice.v1.statuses.$select(post.id).rebloggedBy.list(), (a) => expect(a.some((x) => x.id === bobMe.id), "bob missing"));
await c.call("v1.statuses.$select.unreblog", "POST /api/v1/statuses/:id/unreblog", () => bob.v1.statuses.$select(post.id).unreblog(),
  (s) => expect(s.reblogged === false, "still reblogged"));
await c.call("v1.statuses.$select.bookmark", "POST /api/v1/statuses/:id/bookmark", () => bob.v1.statuses.$select(post.id).bookmark(),
  (s) => expect(s.bookmarked === true, "not bookmarked"));
await c.call("v1.bookmarks.list", "GET /api/v1/bookmarks", () => bob.v1.bookmarks.list(), (s) => expect(s.some((x) => x.id === post.id), "missing"));
await c.call("v1.statuses.$select.unbookmark", "POST /api/v1/statuses/:id/unbookmark", () => bob.v1.statuses.$select(post.id).unbookmark(),
  (s) => expect(s.bookmarked === false, "still bookmarked"));
await c.call("v1.statuses.$select.mute", "POST /api/v1/statuses/:id/mute", () => alice.v1.statuses.$select(post.id).mute(),
  (s) => expect(s.muted === true, "not muted"));
await c.call("v1.statuses.$select.unmute", "POST /api/v1/statuses/:id/unmute", () => alice.v1.statuses.$select(post.id).unmute(),
  (s) => expect(s.muted === false, "still muted"));
await c.call("v1.statuses.$select.pin", "POST /api/v1/statuses/:id/pin", () => alice.v1.statuses.$select(post.id).pin(),
  (s) => expect(s.pinned === true, "not pinned"));
await c.call("v1.statuses.$select.unpin", "POST /api/v1/statuses/:id/unpin", () => alice.v1.statuses.$select(post.id).unpin(),
  (s) => expect(s.pinned === false, "still pinned"));
const pollPost = await alice.v1.statuses.create({ status: "which?", poll: { options: ["tea", "coffee"], expiresIn: 3600 } });
await c.call("v1.polls.$select.fetch", "GET /api/v1/polls/:id", () => bob.v1.polls.$select(pollPost.poll.id).fetch(),
  (p) => expect(p.options.length === 2, "no options"));
await c.call("v1.polls.$select.votes.create", "POST /api/v1/polls/:id/votes", () => bob.v1.polls.$select(pollPost.poll.id).votes.create({ choices: [1] }),
  (p) => expect(p.voted === true && p.options[1].votesCount === 1, "vote not counted"));
const scheduled = await c.call("v1.statuses.create (scheduledAt)", "POST /api/v1/statuses",
  () => alice.v1.statuses.create({ status: "later", scheduledAt: new Date(Date.now() + 3600e3).toISOString() }),
  (s) => expect(s.scheduledAt && s.params, "not a ScheduledStatus"));
await c.call("v1.scheduledStatuses.list", "GET /api/v1/scheduled_statuses", () => alice.v1.scheduledStatuses.list(),
  (s) => expect(s.some((x) => x.id === scheduled.id), "missing"));
await c.call("v1.scheduledStatuses.$select.fetch", "GET /api/v1/scheduled_statuses/:id", () => alice.v1.scheduledStatuses.$select(scheduled.id).fetch(),
  (s) => expect(s.id === scheduled.id, "wrong"));
await c.call("v1.scheduledStatuses.$select.update", "PUT /api/v1/scheduled_statuses/:id",
  () => alice.v1.scheduledStatuses.$select(scheduled.id).update({ scheduledAt: new Date(Date.now() + 7200e3).toISOString() }),
  (s) => expect(s.id === scheduled.id, "not rescheduled"));
await c.call("v1.scheduledStatuses.$select.remove", "DELETE /api/v1/scheduled_statuses/:id", () => alice.v1.scheduledStatuses.$select(scheduled.id).remove());

// --- timelines, conversations, search, tags -----------------------------------------------
await c.call("v1.timelines.home.list", "GET /api/v1/timelines/home", () => alice.v1.timelines.home.list({ limit: 10 }),
  (s) => expect(s.some((x) => x.id === bobPost.id), "post missing"));
await c.call("v1.timelines.public.list", "GET /api/v1/timelines/public", () => anonymous.v1.timelines.public.list({ local: true }),
  (s) => expect(s.some((x) => x.id === post.id), "post missing"));
await c.call("v1.timelines.tag.$select.list", "GET /api/v1/timelines/tag/:hashtag", () => alice.v1.timelines.tag.$select("masto").list(),
  (s) => expect(s.some((x) => x.id === bobPost.id), "post missing"));
await bob.v1.statuses.create({ status: "@alice psst", visibility: "direct" });
const conversations = await c.call("v1.conversations.list", "GET /api/v1/conversations", () => alice.v1.conversations.list(),
  (cs) => expect(cs.length === 1 && cs[0].unread === true && cs[0].accounts[0].id === bobMe.id, JSON.stringify(cs).slice(0, 200)));
await c.call("v1.conversations.$select.read", "POST /api/v1/conversations/:id/read", () => alice.v1.conversations.$select(conversations[0].id).read(),
  (cv) => expect(cv.unread === false, "still unread"));
await c.call("v1.conversations.$select.remove", "DELETE /api/v1/conversations/:id", () => alice.v1.conversations.$select(conversations[0].id).remove());
await c.call("v2.search.list", "GET /api/v2/search", () => alice.v2.search.list({ q: "coverage", type: "hashtags" }),
  (r) => expect(r.hashtags.some((t) => t.name === "coverage"), JSON.stringify(r.hashtags)));
await c.call("v1.tags.$select.fetch", "GET /api/v1/tags/:name", () => alice.v1.tags.$select("coverage").fetch(), (t) => expect(t.name === "coverage", t.name));
await c.call("v1.tags.$select.follow", "POST /api/v1/tags/:name/follow", () => alice.v1.tags.$select("coverage").follow(), (t) => expect(t.following === true, "not following"));
await c.call("v1.followedTags.list", "GET /api/v1/followed_tags", () => alice.v1.followedTags.list(), (t) => expect(t.some((x) => x.name === "coverage"), "missing"));
await c.call("v1.tags.$select.unfollow", "POST /api/v1/tags/:name/unfollow", () => alice.v1.tags.$select("coverage").unfollow(), (t) => expect(t.following === false, "still following"));
const featured = await c.call("v1.featuredTags.create", "POST /api/v1/featured_tags", () => alice.v1.featuredTags.create({ name: "coverage" }),
  (t) => expect(t.name === "coverage", t.name));
await c.call("v1.featuredTags.list", "GET /api/v1/featured_tags", () => alice.v1.featuredTags.list(), (t) => expect(t.length === 1, "missing"));
await c.call("v1.accounts.$select.featuredTags.list", "GET /api/v1/accounts/:id/featured_tags", () => bob.v1.accounts.$select(me.id).featuredTags.list(),
  (t) => expect(t.length === 1, "missing"));
await c.call("v1.featuredTags.suggestions.list", "GET /api/v1/featured_tags/suggestions", () => alice.v1.featuredTags.suggestions.list(), isArray);
await c.call("v1.featuredTags.$select.remove", "DELETE /api/v1/featured_tags/:id", () => alice.v1.featuredTags.$select(featured.id).remove());
await c.call("v1.trends.tags.list", "GET /api/v1/trends/tags", () => alice.v1.trends.tags.list(), isArray);
await c.call("v1.trends.statuses.list", "GET /api/v1/trends/statuses", () => alice.v1.trends.statuses.list(), isArray);
await c.call("v1.trends.links.list", "GET /api/v1/trends/links", () => alice.v1.trends.links.list(), isArray);

// --- filters (v1 and v2) ------------------------------------------------------------------
const v1filter = await c.call("v1.filters.create", "POST /api/v1/filters", () => alice.v1.filters.create({ phrase: "spoiler", context: ["home"] }),
  (f) => expect(f.phrase === "spoiler", f.phrase));
await c.call("v1.filters.list", "GET /api/v1/filters", () => alice.v1.filters.list(), (f) => expect(f.length === 1, "missing"));
await c.call("v1.filters.$select.fetch", "GET /api/v1/filters/:id", () => alice.v1.filters.$select(v1filter.id).fetch(), (f) => expect(f.id === v1filter.id, "wrong"));
await c.call("v1.filters.$select.update", "PUT /api/v1/filters/:id", () => alice.v1.filters.$select(v1filter.id).update({ phrase: "spoilers", context: ["home", "public"] }),
  (f) => expect(f.phrase === "spoilers", f.phrase));
await c.call("v1.filters.$select.remove", "DELETE /api/v1/filters/:id", () => alice.v1.filters.$select(v1filter.id).remove());
const filter = await c.call("v2.filters.create", "POST /api/v2/filters", () => alice.v2.filters.create({
  title: "Crypto", context: ["home", "public"], filterAction: "hide", keywordsAttributes: [{ keyword: "crypto", wholeWord: true }] }),
  (f) => expect(f.title === "Crypto" && f.keywords.length === 1, f.title));
await c.call("v2.filters.list", "GET /api/v2/filters", () => alice.v2.filters.list(), (f) => expect(f.length === 1, "missing"));
await c.call("v2.filters.$select.fetch", "GET /api/v2/filters/:id", () => alice.v2.filters.$select(filter.id).fetch(), (f) => expect(f.id === filter.id, "wrong"));
await c.call("v2.filters.$select.update", "PUT /api/v2/filters/:id", () => alice.v2.filters.$select(filter.id).update({ title: "Coins" }),
  (f) => expect(f.title === "Coins", f.title));
const keyword = await c.call("v2.filters.$select.keywords.create", "POST /api/v2/filters/:id/keywords",
  () => alice.v2.filters.$select(filter.id).keywords.create({ keyword: "nft" }), (k) => expect(k.keyword === "nft", k.keyword));
await c.call("v2.filters.$select.keywords.list", "GET /api/v2/filters/:id/keywords", () => alice.v2.filters.$select(filter.id).keywords.list(),
  (k) => expect(k.length === 2, `${k.length} keywords`));
await c.call("v2.filters.keywords.$select.fetch", "GET /api/v2/filters/keywords/:id", () => alice.v2.filters.keywords.$select(keyword.id).fetch(),
  (k) => expect(k.id === keyword.id, "wrong"));
await c.call("v2.filters.keywords.$select.update", "PUT /api/v2/filters/keywords/:id", () => alice.v2.filters.keywords.$select(keyword.id).update({ keyword: "nfts" }),
  (k) => expect(k.keyword === "nfts", k.keyword));
await c.call("v2.filters.keywords.$select.remove", "DELETE /api/v2/filters/keywords/:id", () => alice.v2.filters.keywords.$select(keyword.id).remove());
const filterStatus = await c.call("v2.filters.$select.statuses.create", "POST /api/v2/filters/:id/statuses",
  () => alice.v2.filters.$select(filter.id).statuses.create({ statusId: bobPost.id }), (s) => expect(s.statusId === bobPost.id, s.statusId));
await c.call("v2.filters.$select.statuses.list", "GET /api/v2/filters/:id/statuses", () => alice.v2.filters.$select(filter.id).statuses.list(),
  (s) => expect(s.length === 1, "missing"));
await c.call("v2.filters.statuses.$select.fetch", "GET /api/v2/filters/statuses/:id", () => alice.v2.filters.statuses.$select(filterStatus.id).fetch(),
  (s) => expect(s.id === filterStatus.id, "wrong"));
await c.call("v2.filters.statuses.$select.remove", "DELETE /api/v2/filters/statuses/:id", () => alice.v2.filters.statuses.$select(filterStatus.id).remove());
await c.call("v2.filters.$select.remove", "DELETE /api/v2/filters/:id", () => alice.v2.filters.$select(filter.id).remove());

// --- reports, preferences, markers, notifications, push, announcements --------------------
await c.call("v1.reports.create", "POST /api/v1/reports", () => alice.v1.reports.create({ accountId: bobMe.id, statusIds: [bobPost.id], comment: "spam", category: "spam" }),
  (r) => expect(r.id && r.category === "spam", JSON.stringify(r).slice(0, 200)));
await c.call("v1.preferences.fetch", "GET /api/v1/preferences", () => alice.v1.preferences.fetch(),
  (p) => expect(p["posting:default:visibility"] === "public", JSON.stringify(p)));
const notifications = await c.call("v1.notifications.list", "GET /api/v1/notifications", () => alice.v1.notifications.list({ limit: 30 }),
  (n) => expect(n.some((x) => x.type === "mention"), `types ${n.map((x) => x.type)}`));
const first = notifications[0];
await c.call("v1.notifications.$select.fetch", "GET /api/v1/notifications/:id", () => alice.v1.notifications.$select(first.id).fetch(),
  (n) => expect(n.id === first.id, "wrong"));
await c.call("v1.notifications.unreadCount.fetch", "GET /api/v1/notifications/unread_count", () => alice.v1.notifications.unreadCount.fetch(),
  (r) => expect(r.count >= 1, `count ${r.count}`));
await c.call("v2.notifications.list", "GET /api/v2/notifications", () => alice.v2.notifications.list(),
  (r) => expect(Array.isArray(r.notificationGroups) && r.notificationGroups.length >= 1, JSON.stringify(r).slice(0, 200)));
await c.call("v1.markers.create", "POST /api/v1/markers", () => alice.v1.markers.create({ home: { lastReadId: bobPost.id }, notifications: { lastReadId: first.id } }),
  (m) => expect(m.home.lastReadId === bobPost.id, JSON.stringify(m)));
await c.call("v1.markers.fetch", "GET /api/v1/markers", () => alice.v1.markers.fetch({ timeline: ["home", "notifications"] }),
  (m) => expect(m.home.lastReadId === bobPost.id && m.notifications.lastReadId === first.id, JSON.stringify(m)));
await c.call("v1.notifications.$select.dismiss", "POST /api/v1/notifications/:id/dismiss", () => alice.v1.notifications.$select(first.id).dismiss());
await c.call("v1.notifications.clear", "POST /api/v1/notifications/clear", () => alice.v1.notifications.clear());
const keys = pushKeys();
await c.call("v1.push.subscription.create", "POST /api/v1/push/subscription", () => alice.v1.push.subscription.create({
  subscription: { endpoint: "https://push.example/send/2", keys }, data: { alerts: { mention: true } }, policy: "all" }),
  (s) => expect(s.endpoint === "https://push.example/send/2" && s.alerts.mention === true, JSON.stringify(s)));
await c.call("v1.push.subscription.fetch", "GET /api/v1/push/subscription", () => alice.v1.push.subscription.fetch(),
  (s) => expect(s.endpoint === "https://push.example/send/2", "missing"));
await c.call("v1.push.subscription.update", "PUT /api/v1/push/subscription", () => alice.v1.push.subscription.update({ data: { alerts: { follow: true } } }),
  (s) => expect(s.alerts.follow === true, JSON.stringify(s.alerts)));
await c.call("v1.push.subscription.remove", "DELETE /api/v1/push/subscription", () => alice.v1.push.subscription.remove());
await c.call("v1.announcements.list", "GET /api/v1/announcements", () => alice.v1.announcements.list(),
  (a) => expect(a.some((x) => x.id === config.announcement_id), "missing"));
await c.call("v1.announcements.$select.reactions.$select.update", "PUT /api/v1/announcements/:id/reactions/:name",
  () => alice.v1.announcements.$select(config.announcement_id).reactions.$select("👍").update());
await c.call("v1.announcements.$select.reactions.$select.remove", "DELETE /api/v1/announcements/:id/reactions/:name",
  () => alice.v1.announcements.$select(config.announcement_id).reactions.$select("👍").remove());
await c.call("v1.announcements.$select.dismiss", "POST /api/v1/announcements/:id/dismiss",
  () => alice.v1.announcements.$select(config.announcement_id).dismiss());

// --- instance -----------------------------------------------------------------------------
await c.call("v1.instance.fetch", "GET /api/v1/instance", () => anonymous.v1.instance.fetch(), (i) => expect(i.version.includes("Pleroma"), i.version));
await c.call("v2.instance.fetch", "GET /api/v2/instance", () => anonymous.v2.instance.fetch(),
  (i) => expect(i.configuration.urls.streaming.startsWith("ws"), JSON.stringify(i.configuration.urls)));
await c.call("v1.instance.peers.list", "GET /api/v1/instance/peers", () => anonymous.v1.instance.peers.list(), isArray);
await c.call("v1.instance.activity.list", "GET /api/v1/instance/activity", () => anonymous.v1.instance.activity.list(),
  (a) => expect(a.length === 12, `${a.length} weeks`));
await c.call("v1.instance.rules.list", "GET /api/v1/instance/rules", () => anonymous.v1.instance.rules.list(), isArray);
await c.call("v1.instance.extendedDescription.fetch", "GET /api/v1/instance/extended_description",
  () => anonymous.v1.instance.extendedDescription.fetch(), (d) => expect(typeof d.content === "string", "no content"));
await c.call("v1.customEmojis.list", "GET /api/v1/custom_emojis", () => anonymous.v1.customEmojis.list(), isArray);
await c.call("v1.statuses.$select.remove", "DELETE /api/v1/statuses/:id", () => alice.v1.statuses.$select(post.id).remove(),
  (s) => expect(s.id === post.id, "not the deleted status"));

// --- not called ---------------------------------------------------------------------------
const notServed = (method, route, reason) => c.skip(method, route, reason);
notServed("v1.accounts.fetch", "GET /api/v1/accounts?id[]=", "Mastodon 4.3 (several accounts at once): not in Pleroma 2.7, whose version we advertise");
notServed("v1.accounts.$select.endorsements.list", "GET /api/v1/accounts/:id/endorsements",
  "Mastodon 4.4 path; Pleroma serves an account's endorsements at GET /api/v1/pleroma/accounts/:id/endorsements");
notServed("v1.statuses.$select.translate", "POST /api/v1/statuses/:id/translate", "no translation backend (Pleroma needs a configured translator too)");
notServed("v1.statuses.$select.quotes.list", "GET /api/v1/statuses/:id/quotes", "Mastodon 4.5 quote API; Pleroma's is GET /api/v1/pleroma/statuses/:id/quotes (served)");
notServed("v1.timelines.link.list", "GET /api/v1/timelines/link", "Mastodon 4.3 link timeline: no link previews to group by");
notServed("v1.timelines.direct.list", "GET /api/v1/timelines/direct", "removed in Mastodon 3.0 and Pleroma; conversations replace it");
notServed("v1.accounts.$select.identityProofs.list", "GET /api/v1/accounts/:id/identity_proofs", "Keybase proofs: removed from Mastodon and Pleroma");
notServed("v1.accounts.$select.collections.list / inCollections.list", "/api/v1/accounts/:id/collections", "Mastodon 4.6 collections: not in Pleroma");
notServed("v1.accounts.$select.removeFromFollowers", "POST /api/v1/accounts/:id/remove_from_followers", "not called: Pleroma 2.7 serves it; it is not in this run");
notServed("v1.notifications.requests.* / v2.notifications.policy", "/api/v1/notifications/requests, /api/v2/notifications/policy", "Mastodon 4.3 notification requests and policies: not in Pleroma");
notServed("v1.profile.avatar.remove / header.remove", "DELETE /api/v1/profile/avatar|header", "Mastodon 4.2: Pleroma clears them through update_credentials (served)");
notServed("v1.emails.confirmations.create", "POST /api/v1/emails/confirmations", "Mastodon's resend; Pleroma's is POST /api/v1/pleroma/account/confirmation_resend");
notServed("v1.annualReports.*", "/api/v1/annual_reports", "Mastodon's Wrapstodon: not in Pleroma");
notServed("v1.instance.languages.list / translationLanguages.list / domainBlocks.fetch", "/api/v1/instance/languages etc.", "Mastodon 4.x instance extras Pleroma does not serve");
notServed("v1.admin.*", "/api/v1/admin/...", "Mastodon's admin API; Pleroma's admin API is /api/v1/pleroma/admin (its own suite)");
notServed("v1.tags.$select.feature / unfeature", "POST /api/v1/tags/:name/feature", "Mastodon 4.4; featured tags are served through /api/v1/featured_tags");
c.print();
