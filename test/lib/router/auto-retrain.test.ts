import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// A weak active model (the tiny fixture): a version trained on the users' votes should beat it.
const versionsDir = await vi.hoisted(async () =>
  (await import("./router-env")).routerTestEnv(
    { ROUTER_RETRAIN_AFTER_RATINGS: "6", ROUTER_RETRAIN_CHECK_MS: "0", ROUTER_RETRAIN_PRESET: "tiny", ROUTER_RETRAIN_WITH_MTBENCH: "false" },
    "auto-retrain-test",
  ),
);

import { prisma } from "@/lib/db/client";
import { saveRating } from "@/lib/feedback/ratings";
import { dueTrigger } from "@/lib/router/auto-retrain";
import { getRouterState, routeQuery } from "@/lib/router/runtime";
import { activateRouterVersion, DEFAULT_VERSION_ID } from "@/lib/router/versions";
import { createTurnWithAnswers, MODELS, seedPreferences } from "./seed";

const candidates = MODELS.map((m) => ({ id: m.id, description: m.description }));
let users: string[];

beforeAll(async () => {
  users = await seedPreferences({ users: 4, votesPerUser: 10 });
  // Everything seeded so far predates "the last run": only the ratings given below count as new.
  await prisma.trainingRun.create({ data: { status: "succeeded", stage: "done", progress: 1, finishedAt: new Date() } });
  await routeQuery({ userId: users[0], message: "warm up", earlierUserMessages: [], candidates });
}, 60_000);

afterAll(async () => {
  await activateRouterVersion({ id: DEFAULT_VERSION_ID });
  rmSync(versionsDir, { recursive: true, force: true });
});

async function waitForRun(after: Date) {
  for (;;) {
    const run = await prisma.trainingRun.findFirst({ where: { createdAt: { gt: after } }, orderBy: { createdAt: "desc" } });
    if (run && (run.status === "succeeded" || run.status === "failed")) return run;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("continuous retraining", () => {
  it("starts a run once enough new ratings arrive, activates it when it beats the active model, and hot-swaps under traffic", async () => {
    expect(await dueTrigger()).toBeNull();
    const clock = { at: Date.now() - 60_000 };
    const before = new Date();
    // Traffic while the run trains, is activated and swapped in: every request must be answered by a router.
    const outcomes: { ok: boolean; fallback?: boolean }[] = [];
    let running = true;
    const traffic = (async () => {
      while (running) {
        try {
          const d = await routeQuery({ userId: users[1], message: "Write a function that sorts a list.", earlierUserMessages: [], candidates });
          outcomes.push({ ok: true, fallback: d.fallback });
        } catch {
          outcomes.push({ ok: false });
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    for (let i = 0; i < 6; i++) {
      const userId = users[i % users.length];
      const { answers } = await createTurnWithAnswers({ userId, query: `Write a Python function number ${i}.`, models: ["demo-coder"], clock });
      // The sixth rating makes the run due; saveRating checks in the background.
      if (i < 5) expect(await dueTrigger()).toBeNull();
      await saveRating({ userId, turnId: answers[0], input: { stars: userId === users[0] || userId === users[2] ? 5 : 2, thumbsUp: null, comment: null } });
    }

    const run = await waitForRun(before);
    expect(run.error).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(run.log).toContain("trigger: ratings (6 new ratings and votes since the last run)");
    const version = await prisma.routerVersion.findUniqueOrThrow({ where: { id: run.routerVersionId! } });
    const metrics = version.metrics as { heldOut: { pairAccuracyGain: number | null }; activation: { activate: boolean; reason: string } };
    expect(metrics.heldOut.pairAccuracyGain).toBeGreaterThan(0);
    expect(metrics.activation).toMatchObject({ activate: true, reason: expect.stringMatching(/^activated: held-out pair accuracy \+/) });
    expect(version.active).toBe(true);
    // This instance swapped to it at activation; others follow within ROUTER_VERSION_CHECK_MS.
    expect(getRouterState().modelDir).toBe(version.path);

    running = false;
    await traffic;
    expect(outcomes.length).toBeGreaterThan(10);
    expect(outcomes.filter((o) => !o.ok || o.fallback)).toEqual([]);
    // No new ratings since: nothing is due.
    expect(await dueTrigger()).toBeNull();
  }, 180_000);
});
