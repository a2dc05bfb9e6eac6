import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// The tiny fixture stands in for the active model (the real one may not be trained yet).
const versionsDir = await vi.hoisted(async () => (await import("./router-env")).routerTestEnv({}, "retrain-test"));

import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { startRetrain } from "@/lib/router/retrain";
import { getRouterState, routeQuery } from "@/lib/router/runtime";
import { activateRouterVersion, DEFAULT_VERSION_ID } from "@/lib/router/versions";
import { MODELS, seedPreferences } from "./seed";

afterAll(() => rmSync(versionsDir, { recursive: true, force: true }));

let users: string[];
beforeAll(async () => {
  users = await seedPreferences({ users: 4, votesPerUser: 10 });
}, 60_000);

const candidates = MODELS.map((m) => ({ id: m.id, description: m.description }));

/** Routes for every seeded user in a loop until stopped; every outcome is kept. */
function keepRouting() {
  const outcomes: { ok: boolean; fallback?: boolean; error?: unknown }[] = [];
  let running = true;
  const loops = users.map(async (userId, i) => {
    while (running) {
      try {
        const d = await routeQuery({ userId, message: `Question ${i}: how do I sort a list?`, earlierUserMessages: [], candidates });
        outcomes.push({ ok: true, fallback: d.fallback });
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
  });
  return {
    outcomes,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe("retraining from app data", () => {
  let versionId: string;

  it("trains, evaluates against the active model and registers a version, with progress on the run row", async () => {
    const t0 = Date.now();
    const { run, finished } = await startRetrain({
      startedBy: users[0],
      options: { preset: "tiny", epochs: 10, includeMtBench: false, holdoutFraction: 0.2 },
      trigger: { kind: "admin" },
    });
    expect(run.status).toBe("running");

    await expect(
      startRetrain({ startedBy: users[0], options: { preset: "tiny", includeMtBench: false, holdoutFraction: 0.2 }, trigger: { kind: "admin" } }),
    ).rejects.toMatchObject({
      status: 409,
    });

    const done = await finished;
    console.info(`retrain took ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    expect(done.error).toBeNull();
    expect(done).toMatchObject({ status: "succeeded", progress: 1 });
    expect(done.log).toContain("== train");
    expect(done.log).toMatch(/train\[tiny\] \[#+\s*\] 10\/10/);

    const version = await prisma.routerVersion.findUniqueOrThrow({ where: { id: done.routerVersionId! } });
    versionId = version.id;
    expect(version.active).toBe(false);
    expect(existsSync(join(version.path, "scorer.onnx"))).toBe(true);
    const metrics = version.metrics as {
      heldOut: { candidate: { pairs: number; pairAccuracy: number }; active: { metrics: { pairAccuracy: number } | null } };
    };
    expect(metrics.heldOut.candidate.pairs).toBeGreaterThan(0);
    expect(metrics.heldOut.candidate.pairAccuracy).toBeGreaterThanOrEqual(0);
    expect(metrics.heldOut.active.metrics).not.toBeNull();
  }, 120_000);

  it("activates the new version and rolls back to the default while requests keep being served", async () => {
    await routeQuery({ userId: users[0], message: "warm up", earlierUserMessages: [], candidates });
    const traffic = keepRouting();
    await new Promise((r) => setTimeout(r, 300));

    const active = await activateRouterVersion({ id: versionId });
    expect(active).toMatchObject({ id: versionId, active: true });
    expect(getRouterState().modelDir).toBe((await prisma.routerVersion.findUniqueOrThrow({ where: { id: versionId } })).path);
    await new Promise((r) => setTimeout(r, 300));

    expect(await activateRouterVersion({ id: DEFAULT_VERSION_ID })).toBeNull();
    expect(getRouterState().modelDir).toBe("test/fixtures/tiny-model");
    expect(await prisma.routerVersion.count({ where: { active: true } })).toBe(0);
    await new Promise((r) => setTimeout(r, 300));

    await traffic.stop();
    expect(traffic.outcomes.length).toBeGreaterThan(4);
    expect(traffic.outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(traffic.outcomes.filter((o) => o.fallback)).toEqual([]);
  }, 60_000);

  it("answers 404 for an unknown version and keeps the active one", async () => {
    await activateRouterVersion({ id: versionId });
    const err = await activateRouterVersion({ id: "no-such-version" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(404);
    expect((await prisma.routerVersion.findFirst({ where: { active: true } }))?.id).toBe(versionId);
    await activateRouterVersion({ id: DEFAULT_VERSION_ID });
  });

  it("records why a run failed and leaves the active model untouched", async () => {
    await prisma.$executeRaw`DELETE FROM comparisons`;
    await prisma.$executeRaw`DELETE FROM ratings`;
    // Other test files share this database and may have registered versions of their own.
    const versionsBefore = await prisma.routerVersion.count();
    const { finished } = await startRetrain({
      startedBy: null,
      options: { preset: "tiny", epochs: 2, includeMtBench: false, holdoutFraction: 0.2 },
      trigger: { kind: "admin" },
    });
    const failed = await finished;
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/no comparison groups to train on/);
    expect(await prisma.routerVersion.count()).toBe(versionsBefore);
    expect(await prisma.routerVersion.count({ where: { active: true } })).toBe(0);
  }, 60_000);
});
