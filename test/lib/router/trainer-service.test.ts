import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// The app queues; the trainer service (here: runNextQueued, what `switchboard retrain worker` loops on) runs.
const versionsDir = await vi.hoisted(async () => (await import("./router-env")).routerTestEnv({ ROUTER_TRAINER: "service" }, "trainer-service-test"));

import { prisma } from "@/lib/db/client";
import { runNextQueued, startRetrain } from "@/lib/router/retrain";
import { seedPreferences } from "./seed";

beforeAll(async () => {
  await seedPreferences({ users: 4, votesPerUser: 10 });
}, 60_000);

afterAll(() => rmSync(versionsDir, { recursive: true, force: true }));

describe("retraining through the trainer service (ROUTER_TRAINER=service)", () => {
  it("queues the run with its options, refuses a second, and the worker runs it to a registered version", async () => {
    const options = { preset: "tiny" as const, epochs: 5, includeMtBench: false, holdoutFraction: 0.2 };
    const { run, finished } = await startRetrain({ startedBy: null, options, trigger: { kind: "admin" } });
    expect(run).toMatchObject({ status: "queued", stage: "queued for the trainer service" });
    expect(await prisma.trainingRun.findUniqueOrThrow({ where: { id: run.id }, select: { options: true, trigger: true } })).toEqual({
      options,
      trigger: { kind: "admin" },
    });
    await expect(startRetrain({ startedBy: null, options, trigger: { kind: "cli" } })).rejects.toMatchObject({ status: 409 });

    const ran = await runNextQueued();
    expect(ran).toMatchObject({ id: run.id, status: "succeeded" });
    expect(ran!.log).toMatch(/train\[tiny\] \[#+\s*\] 5\/5/);
    // The app side learns the outcome from the row.
    expect(await finished).toMatchObject({ id: run.id, status: "succeeded", routerVersionId: ran!.routerVersionId });
    expect(await runNextQueued()).toBeNull();
  }, 120_000);

  it("fails a queued run whose stored options this version cannot read, freeing the slot", async () => {
    const [row] = await prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO training_runs (id, status, stage, options, trigger) VALUES (gen_random_uuid(), 'queued', 'queued', '{"preset": "huge"}', '{"kind": "admin"}')
      RETURNING id::text`;
    expect(await runNextQueued()).toMatchObject({ id: row.id, status: "failed", error: expect.stringMatching(/not readable/) });
    expect(await prisma.trainingRun.count({ where: { status: { in: ["queued", "running"] } } })).toBe(0);
  });
});
