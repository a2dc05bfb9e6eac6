import { beforeAll, describe, expect, it, vi } from "vitest";

await vi.hoisted(async () => (await import("./router-env")).routerTestEnv());

const signedIn = vi.hoisted(() => ({ user: null as { id: string; email: string; role: "user" | "admin" } | null }));
vi.mock("@/lib/auth/index", () => ({ auth: async () => (signedIn.user ? { user: signedIn.user } : null) }));

import { GET as exportData } from "@/app/(chat)/api/me/export/route";
import { DELETE as forget } from "@/app/(chat)/api/me/preferences/route";
import { prisma } from "@/lib/db/client";
import { routeQuery } from "@/lib/router/runtime";
import { createTurnWithAnswers, MODELS, seedPreferences } from "./seed";

const candidates = MODELS.map((m) => ({ id: m.id, description: m.description }));
const route = (userId: string) => routeQuery({ userId, message: "Write a Python function that sorts a dict", earlierUserMessages: [], candidates });

let me: string;
let other: string;

beforeAll(async () => {
  [me, other] = await seedPreferences({ users: 2, votesPerUser: 4 });
  // An unrated answer the user picked by overriding the router: an implicit signal kept in the decision log.
  const picked = await createTurnWithAnswers({ userId: me, query: "Sort a list in Rust", models: ["demo-coder"], clock: { at: Date.UTC(2026, 10, 2) } });
  await prisma.routingDecision.create({
    data: {
      turnId: picked.answers[0],
      userId: me,
      chosenModelId: "demo-coder",
      routerVersion: "test",
      executionProvider: "cpu",
      candidates: [],
      confidence: 1,
      ratingsUsed: 0,
      coldStart: true,
      override: true,
      timings: {},
      totalMs: 1,
    },
  });
  signedIn.user = { id: me, email: "me@example.com", role: "user" };
}, 60_000);

type Export = {
  user: { id: string; email: string };
  chatSessions: { id: string; userId: string }[];
  turns: { id: string; userId: string; queryEmbedding?: unknown }[];
  ratings: { userId: string }[];
  comparisons: { userId: string }[];
  routingDecisions: { userId: string }[];
};

describe("GET /api/me/export", () => {
  it("downloads exactly the signed-in user's own data", async () => {
    const res = await exportData();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="switchboard-data-\d{4}-\d{2}-\d{2}\.json"$/);
    const data = (await res.json()) as Export;
    expect(data.user.id).toBe(me);
    expect(data.user).not.toHaveProperty("passwordHash");

    const [sessions, turns, ratings, comparisons] = await Promise.all([
      prisma.chatSession.findMany({ where: { userId: me }, select: { id: true } }),
      prisma.turn.findMany({ where: { userId: me }, select: { id: true } }),
      prisma.rating.count({ where: { userId: me } }),
      prisma.comparison.count({ where: { userId: me } }),
    ]);
    expect(data.chatSessions.map((s) => s.id).sort()).toEqual(sessions.map((s) => s.id).sort());
    expect(data.turns.map((t) => t.id).sort()).toEqual(turns.map((t) => t.id).sort());
    expect(data.ratings).toHaveLength(ratings);
    expect(data.comparisons).toHaveLength(comparisons);
    for (const rows of [data.chatSessions, data.turns, data.ratings, data.comparisons, data.routingDecisions]) {
      expect(rows.every((r) => r.userId === me)).toBe(true);
    }
    expect(data.turns[0]).not.toHaveProperty("queryEmbedding");
    expect(JSON.stringify(data)).not.toContain(other);
  });

  it("is 401 signed out", async () => {
    const saved = signedIn.user;
    signedIn.user = null;
    expect((await exportData()).status).toBe(401);
    signedIn.user = saved;
  });
});

describe("DELETE /api/me/preferences", () => {
  it("removes the user's ratings and votes and drops earlier overrides from the graph; the next route is cold-start, other users keep theirs", async () => {
    const before = await route(me);
    expect(before.coldStart.ratingsUsed).toBeGreaterThan(0);
    const otherRatings = await prisma.rating.count({ where: { userId: other } });

    const res = await forget(new Request("http://localhost/api/me/preferences", { method: "DELETE" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ratingsDeleted: 3, votesCleared: 4 });

    expect(await prisma.rating.count({ where: { userId: me } })).toBe(0);
    expect(await prisma.comparison.count({ where: { userId: me, winner: { not: null } } })).toBe(0);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: me } })).preferencesResetAt).not.toBeNull();
    const after = await route(me);
    expect(after.coldStart.ratingsUsed).toBe(0);
    expect(after.fallback).toBe(false);
    // The override stays in the log, but it left the graph.
    expect(await prisma.routingDecision.count({ where: { userId: me, override: true } })).toBe(1);

    expect(await prisma.rating.count({ where: { userId: other } })).toBe(otherRatings);
    expect((await route(other)).coldStart.ratingsUsed).toBeGreaterThan(0);
  });

  it("refuses a cross-site request", async () => {
    const res = await forget(
      new Request("http://localhost/api/me/preferences", { method: "DELETE", headers: { origin: "https://evil.example", host: "localhost" } }),
    );
    expect(res.status).toBe(403);
  });
});
