// A real ActivityPub peer for Ownstream's federation tests: Fedify 2.3.6 on Node 22, with one Person
// (`tester`) and a small control API the tests drive. Loopback only; nothing is mocked: every
// activity it sends is signed by Fedify and every activity it logs passed Fedify's own verifier.
//
// Environment: PORT (required), ORIGIN (default http://localhost:PORT), FIRST_KNOCK (rfc9421 or
// draft-cavage-http-signatures-12), TLS_CERT + TLS_KEY (serve https instead of http).
//
// Control API (JSON answers):
//   GET  /_control/health                      → {ok}
//   GET  /_control/lookup?q=<url|@user@host>    → {ok, ms, object}  (WebFinger for handles + actor GET)
//   POST /_control/follow?q=…                   → {ok, id}          (signed Follow to the actor's inbox)
//   POST /_control/unfollow?q=…                 → {ok}              (Undo of the last Follow)
//   POST /_control/like?q=<actor>&object=<url>  → {ok, id}          (also announce, undo-like, undo-announce)
//   POST /_control/update?q=<actor>&name=…      → {ok}              (Update(Person) of the tester)
//   POST /_control/delete?q=<actor>             → {ok}              (Delete(Person) of the tester)
//   GET  /_control/received                     → [activity, …]     (verified inbound activities)
import { readFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createFederation, generateCryptoKeyPair, MemoryKvStore } from "@fedify/fedify";
import {
  Activity,
  Announce,
  Delete,
  Endpoints,
  Follow,
  Like,
  Person,
  Undo,
  Update,
} from "@fedify/vocab";

const PORT = Number(process.env.PORT);
const TLS = Boolean(process.env.TLS_CERT && process.env.TLS_KEY);
const ORIGIN = process.env.ORIGIN ?? `${TLS ? "https" : "http"}://localhost:${PORT}`;
const FIRST_KNOCK = process.env.FIRST_KNOCK ?? "rfc9421";
const USER = "tester";

const federation = createFederation({
  kv: new MemoryKvStore(),
  origin: ORIGIN,
  allowPrivateAddress: true,
  firstKnock: FIRST_KNOCK,
});

const keys = [
  await generateCryptoKeyPair("RSASSA-PKCS1-v1_5"),
  await generateCryptoKeyPair("Ed25519"),
];
let displayName = "Test Peer";
const received = [];
const sent = new Map(); // our activity ids by kind and target, for the undos

function person(ctx, keyPairs) {
  return new Person({
    id: ctx.getActorUri(USER),
    preferredUsername: USER,
    name: displayName,
    inbox: ctx.getInboxUri(USER),
    endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
    followers: ctx.getFollowersUri(USER),
    publicKey: keyPairs[0].cryptographicKey,
    assertionMethods: keyPairs.map((pair) => pair.multikey),
  });
}

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== USER) return null;
    return person(ctx, await ctx.getActorKeyPairs(identifier));
  })
  .setKeyPairsDispatcher((_ctx, identifier) => (identifier === USER ? keys : []));

federation.setFollowersDispatcher("/users/{identifier}/followers", () => ({ items: [] }));

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Activity, async (ctx, activity) => {
    const document = await activity.toJsonLd({ format: "compact" });
    received.push({ ...document, _inbox: ctx.recipient ?? "shared", _at: Date.now() });
    console.log(`verified ${activity.constructor.name} ${activity.id?.href ?? ""}`);
  });

function json(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function target(ctx, q) {
  const actor = await ctx.lookupObject(q);
  if (actor == null || actor.inboxId == null) throw new Error(`no actor with an inbox at ${q}`);
  return actor;
}

function newId(ctx, kind) {
  return new URL(`/activities/${kind}/${crypto.randomUUID()}`, ctx.origin);
}

async function control(req, res, url) {
  const ctx = federation.createContext(new URL(ORIGIN), undefined);
  const q = url.searchParams.get("q");
  const me = ctx.getActorUri(USER);
  const sender = { identifier: USER };
  const action = url.pathname.slice("/_control/".length);
  if (action === "health") return json(res, 200, { ok: true, origin: ORIGIN });
  if (action === "received") return json(res, 200, received);
  if (action === "lookup") {
    const started = performance.now();
    const object = await ctx.lookupObject(q);
    const ms = performance.now() - started;
    if (object == null) return json(res, 404, { ok: false, ms });
    return json(res, 200, { ok: true, ms, object: await object.toJsonLd({ format: "compact" }) });
  }
  const actor = await target(ctx, q);
  if (action === "follow") {
    const follow = new Follow({ id: newId(ctx, "follow"), actor: me, object: actor.id });
    sent.set(`follow ${actor.id.href}`, follow);
    await ctx.sendActivity(sender, actor, follow);
    return json(res, 200, { ok: true, id: follow.id.href });
  }
  if (action === "unfollow" || action === "undo-like" || action === "undo-announce") {
    const kind = action === "unfollow" ? "follow" : action.slice(5);
    const key = kind === "follow" ? `follow ${actor.id.href}` : `${kind} ${url.searchParams.get("object")}`;
    const original = sent.get(key);
    if (original == null) return json(res, 409, { ok: false, error: `nothing to undo for ${key}` });
    await ctx.sendActivity(sender, actor, new Undo({ id: newId(ctx, "undo"), actor: me, object: original }));
    return json(res, 200, { ok: true });
  }
  if (action === "like" || action === "announce") {
    const object = new URL(url.searchParams.get("object"));
    const Kind = action === "like" ? Like : Announce;
    const activity = new Kind({ id: newId(ctx, action), actor: me, object, to: actor.id });
    sent.set(`${action} ${object.href}`, activity);
    await ctx.sendActivity(sender, actor, activity);
    return json(res, 200, { ok: true, id: activity.id.href });
  }
  if (action === "update") {
    displayName = url.searchParams.get("name") ?? displayName;
    const update = new Update({ id: newId(ctx, "update"), actor: me, object: person(ctx, await ctx.getActorKeyPairs(USER)) });
    await ctx.sendActivity(sender, actor, update);
    return json(res, 200, { ok: true });
  }
  if (action === "delete") {
    await ctx.sendActivity(sender, actor, new Delete({ id: newId(ctx, "delete"), actor: me, object: me }));
    return json(res, 200, { ok: true });
  }
  return json(res, 404, { ok: false, error: `unknown control ${action}` });
}

async function handle(req, res) {
  const url = new URL(req.url, ORIGIN);
  if (url.pathname.startsWith("/_control/")) {
    try {
      await control(req, res, url);
    } catch (error) {
      json(res, 500, { ok: false, error: String(error?.stack ?? error) });
    }
    return;
  }
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const request = new Request(url, { method: req.method, headers, body: req.method === "GET" ? undefined : body });
  const response = await federation.fetch(request, {
    contextData: undefined,
    onNotFound: () => new Response("not found", { status: 404 }),
    onNotAcceptable: () => new Response("not acceptable", { status: 406 }),
  });
  if (response.status === 401) console.log(`answered 401 to ${req.method} ${url.pathname}`);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

const server = TLS
  ? createHttpsServer({ cert: readFileSync(process.env.TLS_CERT), key: readFileSync(process.env.TLS_KEY) }, handle)
  : createHttpServer(handle);
server.listen(PORT, "127.0.0.1", () => console.log(`fedipeer listening on ${ORIGIN} (first knock ${FIRST_KNOCK})`));
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
