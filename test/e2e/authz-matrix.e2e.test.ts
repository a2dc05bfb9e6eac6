import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionKey, listRouteHandlers, listServerActions, routeKey } from "../security/app-surface";
import { actionHeaders } from "./support/actions";
import { ApiClient } from "./support/api-client";
import { queryRows } from "./support/db";

/**
 * Every route handler and server action, called as anonymous, alice, bob and
 * admin on alice's resources. The routes come from the app directory: a new
 * route without a row here fails the test, so adding a route means adding one
 * row to MATRIX with the status each actor must get.
 */
type Actor = "anonymous" | "alice" | "bob" | "admin";
const ACTORS: Actor[] = ["anonymous", "bob", "admin", "alice"];

type Fixtures = {
  session: string;
  spareSession: string;
  turn: string;
  spareKeyId: string;
  /** A user turn of alice's with two completed answers (the second a regeneration), not yet voted on. */
  comparison: { userTurnId: string; turnAId: string; turnBId: string };
  /** A comparison started through the API: its message, its two models and their seal. */
  compareSide: { userTurnId: string; modelIds: [string, string]; seal: string };
  keys: Record<Actor, string | null>;
  aliceEmail: string;
};
type Call = { path: string; method: string; json?: unknown; headers?: Record<string, string> };
type Row = { call: (fx: Fixtures, actor: Actor) => Call; expect: Record<Actor, number> };

const bearer = (fx: Fixtures, actor: Actor): Record<string, string> => (fx.keys[actor] ? { authorization: `Bearer ${fx.keys[actor]}` } : {});
/** Each call counts against its own per-IP bucket, so the matrix neither hits nor eats other tests' rate limits. */
const freshIp = () => ({ "x-forwarded-for": `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}` });

const ALICE_TITLE = `alice-private-${randomBytes(4).toString("hex")}`;
const ALICE_TEXT = `alice-secret-${randomBytes(4).toString("hex")}`;

const PUBLIC = { anonymous: 200, alice: 200, bob: 200, admin: 200 };
const SIGNED_IN = (status: number) => ({ anonymous: 401, alice: status, bob: status, admin: status });
const OWNER_ONLY = (status: number) => ({ anonymous: 401, alice: status, bob: 404, admin: 404 });
const ADMIN_ONLY = (status: number) => ({ anonymous: 401, alice: 403, bob: 403, admin: status });

const MATRIX: Record<string, Row> = {
  "GET /api/health": { call: () => ({ method: "GET", path: "/api/health" }), expect: PUBLIC },
  "GET /api/ready": { call: () => ({ method: "GET", path: "/api/ready" }), expect: PUBLIC },
  "GET /api/auth/[...nextauth]": { call: () => ({ method: "GET", path: "/api/auth/session" }), expect: PUBLIC },
  // Without next-auth's CSRF token a sign-out is refused (redirect to the error page), whoever asks.
  "POST /api/auth/[...nextauth]": {
    call: () => ({ method: "POST", path: "/api/auth/signout", json: {} }),
    expect: { anonymous: 302, alice: 302, bob: 302, admin: 302 },
  },
  "POST /api/login": {
    call: (fx) => ({ method: "POST", path: "/api/login", json: { email: fx.aliceEmail, password: "not alice's password" }, headers: freshIp() }),
    expect: { anonymous: 401, alice: 401, bob: 401, admin: 401 },
  },
  "POST /api/register": {
    call: (fx) => ({ method: "POST", path: "/api/register", json: { email: fx.aliceEmail, password: "another password" }, headers: freshIp() }),
    expect: { anonymous: 409, alice: 409, bob: 409, admin: 409 },
  },
  "POST /api/chat": {
    call: (fx) => ({
      method: "POST",
      path: "/api/chat",
      json: { trigger: "submit-message", chatSessionId: fx.session, text: "matrix says hello" },
      headers: freshIp(),
    }),
    expect: OWNER_ONLY(200),
  },
  "GET /api/models": { call: () => ({ method: "GET", path: "/api/models" }), expect: SIGNED_IN(200) },
  "GET /api/sessions": { call: () => ({ method: "GET", path: "/api/sessions" }), expect: SIGNED_IN(200) },
  "POST /api/sessions": { call: () => ({ method: "POST", path: "/api/sessions", json: {} }), expect: SIGNED_IN(201) },
  "GET /api/sessions/[id]": { call: (fx) => ({ method: "GET", path: `/api/sessions/${fx.session}` }), expect: OWNER_ONLY(200) },
  "PATCH /api/sessions/[id]": {
    call: (fx) => ({ method: "PATCH", path: `/api/sessions/${fx.session}`, json: { title: ALICE_TITLE } }),
    expect: OWNER_ONLY(200),
  },
  "DELETE /api/sessions/[id]": { call: (fx) => ({ method: "DELETE", path: `/api/sessions/${fx.spareSession}` }), expect: OWNER_ONLY(204) },
  "PUT /api/ratings": { call: (fx) => ({ method: "PUT", path: "/api/ratings", json: { turnId: fx.turn, stars: 4 } }), expect: OWNER_ONLY(200) },
  "DELETE /api/ratings": { call: (fx) => ({ method: "DELETE", path: "/api/ratings", json: { turnId: fx.turn } }), expect: OWNER_ONLY(204) },
  "GET /api/api-keys": { call: () => ({ method: "GET", path: "/api/api-keys" }), expect: SIGNED_IN(200) },
  "POST /api/api-keys": { call: () => ({ method: "POST", path: "/api/api-keys", json: { name: "matrix" } }), expect: SIGNED_IN(201) },
  "DELETE /api/api-keys/[id]": { call: (fx) => ({ method: "DELETE", path: `/api/api-keys/${fx.spareKeyId}` }), expect: OWNER_ONLY(204) },
  "POST /api/compare": {
    call: (fx) => ({ method: "POST", path: "/api/compare", json: { chatSessionId: fx.session, text: "matrix compares" } }),
    expect: OWNER_ONLY(201),
  },
  // Alice's latest message is by now "matrix compares", not the fixture's comparison: her answer to an older one is refused.
  "POST /api/compare/answer": {
    call: (fx) => ({
      method: "POST",
      path: "/api/compare/answer",
      json: { chatSessionId: fx.session, ...fx.compareSide, modelId: fx.compareSide.modelIds[0] },
      headers: freshIp(),
    }),
    expect: OWNER_ONLY(409),
  },
  "POST /api/compare/vote": { call: (fx) => ({ method: "POST", path: "/api/compare/vote", json: { ...fx.comparison, winner: "a" } }), expect: OWNER_ONLY(201) },
  "GET /api/me/export": { call: () => ({ method: "GET", path: "/api/me/export" }), expect: SIGNED_IN(200) },
  "DELETE /api/me/preferences": { call: () => ({ method: "DELETE", path: "/api/me/preferences" }), expect: SIGNED_IN(200) },
  // Wrong current password and a confirmation that names no one: each signed-in actor reaches the check and changes nothing.
  "POST /api/me/password": {
    call: () => ({
      method: "POST",
      path: "/api/me/password",
      json: { currentPassword: "not it", newPassword: "lighthouse keeper at dawn" },
      headers: freshIp(),
    }),
    expect: SIGNED_IN(400),
  },
  "DELETE /api/me": { call: () => ({ method: "DELETE", path: "/api/me", json: { confirmEmail: "nobody@example.test" } }), expect: SIGNED_IN(400) },
  "GET /api/admin/users": { call: () => ({ method: "GET", path: "/api/admin/users" }), expect: ADMIN_ONLY(200) },
  "GET /api/admin/models": { call: () => ({ method: "GET", path: "/api/admin/models" }), expect: ADMIN_ONLY(200) },
  "POST /api/admin/models": {
    call: () => ({
      method: "POST",
      path: "/api/admin/models",
      json: {
        id: `matrix-${randomBytes(3).toString("hex")}`,
        displayName: "Matrix",
        baseUrl: "http://127.0.0.1:9/v1",
        providerModelId: "x",
        description: "Created by the authorization matrix test.",
        inputPricePerM: 0,
        outputPricePerM: 0,
        enabled: false,
      },
    }),
    expect: ADMIN_ONLY(201),
  },
  "PATCH /api/admin/models/[id]": { call: () => ({ method: "PATCH", path: "/api/admin/models/demo-coder", json: { enabled: true } }), expect: ADMIN_ONLY(200) },
  // A real retraining run would take minutes of CPU: admin gets past authorization to the body check (400).
  "POST /api/admin/router/retrain": {
    call: () => ({ method: "POST", path: "/api/admin/router/retrain", json: { preset: "none-such" } }),
    expect: ADMIN_ONLY(400),
  },
  "GET /api/admin/router/runs/[id]": { call: () => ({ method: "GET", path: `/api/admin/router/runs/${randomUUID()}` }), expect: ADMIN_ONLY(404) },
  "GET /api/admin/router/versions": { call: () => ({ method: "GET", path: "/api/admin/router/versions" }), expect: ADMIN_ONLY(200) },
  "POST /api/admin/router/versions/[id]/activate": {
    call: () => ({ method: "POST", path: "/api/admin/router/versions/no-such-version/activate" }),
    expect: ADMIN_ONLY(404),
  },
  "GET /api/admin/decisions/export": { call: () => ({ method: "GET", path: "/api/admin/decisions/export" }), expect: ADMIN_ONLY(200) },
  // The OpenAI-compatible API authenticates with the actor's own API key, never with cookies.
  "GET /v1/models": { call: (fx, actor) => ({ method: "GET", path: "/v1/models", headers: bearer(fx, actor) }), expect: SIGNED_IN(200) },
  "POST /v1/chat/completions": {
    call: (fx, actor) => ({
      method: "POST",
      path: "/v1/chat/completions",
      json: { model: "auto", messages: [{ role: "user", content: "matrix via the API" }] },
      headers: { ...bearer(fx, actor), ...freshIp(), "x-switchboard-chat-session-id": fx.session },
    }),
    expect: OWNER_ONLY(200),
  },
  // Signing out revokes every session of the caller; it runs last so the other rows keep theirs.
  "action lib/auth/logout-action.ts#logout": { call: () => ({ method: "ACTION", path: "/" }), expect: PUBLIC },
};

let clients: Record<Actor, ApiClient>;
let fx: Fixtures;
const originalRoles = new Map<string, string>();

async function issueKey(client: ApiClient): Promise<{ key: string; id: string }> {
  const response = await client.request("/api/api-keys", { method: "POST", json: { name: "matrix" } });
  if (response.status !== 201) throw new Error(`api key: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { key: string; apiKey: { id: string } };
  return { key: body.key, id: body.apiKey.id };
}

/** Sets a user's role in the database and signs in again, so the JWT carries it. */
async function withRole(client: ApiClient, role: "user" | "admin") {
  const [row] = await queryRows<{ role: string }>(`SELECT role FROM users WHERE email = $1`, [client.email]);
  originalRoles.set(client.email, row.role);
  await queryRows(`UPDATE users SET role = $2 WHERE email = $1`, [client.email, role]);
  const login = await client.request("/api/login", { method: "POST", json: { email: client.email, password: "correct horse battery" }, headers: freshIp() });
  if (login.status !== 200) throw new Error(`re-login failed: ${login.status}`);
}

/** Everything alice owns, to prove that no other actor changed any of it. */
async function aliceState(): Promise<unknown> {
  const [sessions, turns, ratings, keys, comparisons] = await Promise.all([
    queryRows(`SELECT s.id, s.title FROM chat_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1 ORDER BY s.id`, [fx.aliceEmail]),
    queryRows(`SELECT t.id, t.status, t.content FROM turns t JOIN users u ON u.id = t.user_id WHERE u.email = $1 ORDER BY t.id`, [fx.aliceEmail]),
    queryRows(`SELECT r.turn_id, r.stars, r.thumbs_up, r.comment FROM ratings r JOIN users u ON u.id = r.user_id WHERE u.email = $1 ORDER BY r.turn_id`, [
      fx.aliceEmail,
    ]),
    queryRows(`SELECT k.id, k.revoked_at FROM api_keys k JOIN users u ON u.id = k.user_id WHERE u.email = $1 ORDER BY k.id`, [fx.aliceEmail]),
    queryRows(`SELECT c.id, c.winner FROM comparisons c JOIN users u ON u.id = c.user_id WHERE u.email = $1 ORDER BY c.id`, [fx.aliceEmail]),
  ]);
  return { sessions, turns, ratings, keys, comparisons };
}

async function send(actor: Actor, call: Call, key: string): Promise<Response> {
  if (call.method !== "ACTION") return clients[actor].request(call.path, { method: call.method, json: call.json, headers: call.headers });
  const [file, name] = key.replace(/^action /, "").split("#");
  return clients[actor].request(call.path, { method: "POST", body: "[]", headers: actionHeaders(file, name) });
}

beforeAll(async () => {
  const [alice, bob, admin] = [await ApiClient.register("alice-mx"), await ApiClient.register("bob-mx"), await ApiClient.register("admin-mx")];
  clients = { anonymous: ApiClient.anonymous(), alice, bob, admin };
  await withRole(alice, "user");
  await withRole(bob, "user");
  await withRole(admin, "admin");

  const session = await alice.createSession();
  await alice.request(`/api/sessions/${session}`, { method: "PATCH", json: { title: ALICE_TITLE } });
  const reply = await alice.chat(session, ALICE_TEXT);
  expect(reply.status).toBe(200);
  const regenerated = await alice.request("/api/chat", { method: "POST", json: { trigger: "regenerate-message", chatSessionId: session } });
  expect(regenerated.status).toBe(200);
  await regenerated.text();
  const [turn, second] = await queryRows<{ id: string; parent_id: string }>(
    `SELECT id, parent_id FROM turns WHERE chat_session_id = $1 AND role = 'assistant' AND status = 'completed' ORDER BY position`,
    [session],
  );
  const started = await alice.request("/api/compare", { method: "POST", json: { chatSessionId: session, text: "the fixture compares" } });
  expect(started.status).toBe(201);
  const compareSide = (await started.json()) as Fixtures["compareSide"];
  const keys = { alice: await issueKey(alice), bob: await issueKey(bob), admin: await issueKey(admin) };
  fx = {
    compareSide,
    session,
    spareSession: await alice.createSession(),
    turn: turn.id,
    comparison: { userTurnId: turn.parent_id, turnAId: turn.id, turnBId: second.id },
    spareKeyId: (await issueKey(alice)).id,
    keys: { anonymous: null, alice: keys.alice.key, bob: keys.bob.key, admin: keys.admin.key },
    aliceEmail: alice.email,
  };
});

afterAll(async () => {
  for (const [email, role] of originalRoles) await queryRows(`UPDATE users SET role = $2 WHERE email = $1`, [email, role]);
});

describe("authorization matrix", () => {
  it("has exactly one row for every route handler method and server action in the app", () => {
    const endpoints = [...listRouteHandlers().flatMap((r) => r.methods.map((m) => routeKey(m, r.pattern))), ...listServerActions().map(actionKey)];
    expect(
      endpoints.filter((k) => !(k in MATRIX)),
      "endpoints without a row in MATRIX",
    ).toEqual([]);
    expect(
      Object.keys(MATRIX).filter((k) => !endpoints.includes(k)),
      "rows for endpoints that no longer exist",
    ).toEqual([]);
  });

  it("gives every actor the expected status, leaks nothing of alice's to others and lets no one else change her data", async () => {
    const secrets = [fx.session, fx.turn, fx.spareKeyId, ALICE_TITLE, ALICE_TEXT];
    const mismatches: string[] = [];
    for (const [key, row] of Object.entries(MATRIX)) {
      for (const actor of ACTORS) {
        const before = actor === "alice" ? null : await aliceState();
        const response = await send(actor, row.call(fx, actor), key);
        const body = await response.text();
        if (response.status !== row.expect[actor])
          mismatches.push(`${key} as ${actor}: ${response.status} (expected ${row.expect[actor]}) ${body.slice(0, 200)}`);
        if (response.status >= 400 && !response.headers.get("content-type")?.includes("json"))
          mismatches.push(`${key} as ${actor}: error ${response.status} is not JSON`);
        if (before !== null) {
          if (JSON.stringify(await aliceState()) !== JSON.stringify(before)) mismatches.push(`${key} as ${actor}: changed alice's data`);
          const seesAll = actor === "admin" && key.includes("/api/admin/");
          const leaked = seesAll ? [] : secrets.filter((s) => body.includes(s));
          if (leaked.length > 0) mismatches.push(`${key} as ${actor}: response contains alice's ${leaked.join(", ")}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  }, 180_000); // about 100 calls, several of them sign-ins (bcrypt, one at a time on 2 cores) and chat turns
});
