/** `switchboard export` then `switchboard import app`: the app's ratings and votes reach the trainer's dataset. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db/client";
import { switchboard } from "../support/cli";
import { seedAnswer, seedModels, seedUser } from "../support/seed";

// Every command is a process of its own: seconds each on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

const dir = mkdtempSync(join(tmpdir(), "cli-export-"));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await prisma.$disconnect();
});

type Dataset = { interactions: { id: string; user: string; llm: string; rating: number; query: string }[]; groups: { id: string; interactions: string[] }[] };

describe("switchboard export / import", () => {
  it("round-trips a rating and a compare vote into a training dataset", async () => {
    await seedModels([
      { id: "cli-export-a", description: "model a" },
      { id: "cli-export-b", description: "model b" },
    ]);
    const userId = await seedUser("cli-export");
    const rated = await seedAnswer({ userId, question: "How do I reverse a list?", modelId: "cli-export-a" });
    await prisma.rating.create({ data: { turnId: rated, userId, value: 0.75, stars: 4, source: "ui" } });
    const a = await seedAnswer({ userId, question: "Name a prime", modelId: "cli-export-a" });
    const turnA = await prisma.turn.findUniqueOrThrow({ where: { id: a } });
    const turnB = await prisma.turn.create({
      data: {
        chatSessionId: turnA.chatSessionId,
        userId,
        position: 2,
        role: "assistant",
        content: "7",
        parentId: turnA.parentId,
        modelId: "cli-export-b",
        status: "completed",
      },
    });
    const vote = await prisma.comparison.create({
      data: { userId, userTurnId: turnA.parentId as string, turnAId: a, turnBId: turnB.id, winner: "b", votedAt: new Date() },
    });

    const exportFile = join(dir, "app.jsonl");
    const exported = await switchboard(["export", "--out", exportFile]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ out: exportFile, interactions: expect.any(Number), comparisons: expect.any(Number) });

    const datasetFile = join(dir, "app.dataset.json");
    const imported = await switchboard(["import", "app", "--in", exportFile, "--out", datasetFile, "--no-embed"]);
    expect(imported.code, imported.stderr).toBe(0);
    const dataset = JSON.parse(readFileSync(datasetFile, "utf8")) as Dataset;
    expect(dataset.interactions.find((i) => i.id === rated)).toMatchObject({
      user: userId,
      llm: "cli-export-a",
      rating: 0.75,
      query: "How do I reverse a list?",
    });
    expect(dataset.groups.find((g) => g.id === vote.id)?.interactions).toHaveLength(2);
  });

  it("import names the trainer's missing flag and fails with its exit code", async () => {
    const result = await switchboard(["import", "app", "--out", join(dir, "x.dataset.json")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the following arguments are required: --in");
  });
});
