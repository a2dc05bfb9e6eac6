/** `switchboard retrain versions | activate | abandon` against the run's database (training itself: test/lib/router/retrain.test.ts). */
import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db/client";
import { switchboard } from "../support/cli";

// Every command is a process of its own: seconds each on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

afterAll(async () => {
  await switchboard(["retrain", "activate", "default"]);
  await prisma.$disconnect();
});

describe("switchboard retrain", () => {
  it("lists router versions, activates one and rolls back to the shipped model", async () => {
    const id = `cli-${randomUUID().slice(0, 8)}`;
    await prisma.routerVersion.create({ data: { id, path: resolve("router-core/models/default"), manifest: {}, metrics: {} } });

    const activated = await switchboard(["retrain", "activate", id]);
    expect(activated.code, activated.stderr).toBe(0);
    expect(activated.stdout).toContain(`active: ${id}`);
    const listed = await switchboard(["retrain", "versions"]);
    expect(listed.stdout).toMatch(new RegExp(`^\\* ${id} `, "m"));

    const rolledBack = await switchboard(["retrain", "activate", "default"]);
    expect(rolledBack.stdout).toContain("active: the shipped default model");
    expect(await prisma.routerVersion.count({ where: { active: true } })).toBe(0);
  });

  it("answers an unknown version or run with exit code 2 and changes nothing", async () => {
    const unknownVersion = await switchboard(["retrain", "activate", "no-such-version"]);
    expect(unknownVersion).toMatchObject({ code: 2, stderr: expect.stringContaining("Router version no-such-version not found.") });
    const unknownRun = await switchboard(["retrain", "abandon", randomUUID()]);
    expect(unknownRun).toMatchObject({ code: 2, stderr: expect.stringContaining("No queued or running training run with this id.") });
  });

  it("abandon frees the slot of a run whose process died", async () => {
    const run = await prisma.trainingRun.create({ data: { status: "running", stage: "train" } });
    const abandoned = await switchboard(["retrain", "abandon", run.id]);
    expect(abandoned.code, abandoned.stderr).toBe(0);
    expect(await prisma.trainingRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: "failed",
      error: expect.stringContaining("abandoned"),
    });
  });
});
