import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { writeAppExport } from "@/lib/router/app-export";
import { createTurnWithAnswers, createUser, rate, seedModels, vote } from "./seed";

const dir = mkdtempSync(join(tmpdir(), "app-export-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Record = {
  type: string;
  id?: string;
  source?: string;
  rating?: number;
  userId?: string;
  interactionIds?: string[];
  winner?: string | null;
  tie?: boolean;
  turnIndex?: number;
  context?: string[];
};

let userId: string;
let comparisonId: string;
let records: Record[];

beforeAll(async () => {
  // Test files share one database: the export must contain only this file's signals.
  await prisma.$executeRaw`DELETE FROM comparisons`;
  await prisma.$executeRaw`DELETE FROM ratings`;
  await seedModels();
  userId = await createUser("export");
  const clock = { at: Date.UTC(2026, 10, 1) };
  comparisonId = (await vote({ userId, query: "Reverse a list in Python", a: "demo-coder", b: "demo-concise", winner: "a", clock })).id;
  await vote({ userId, query: "A haiku about rain", a: "demo-detailed", b: "demo-concise", winner: "tie", clock });
  const single = await createTurnWithAnswers({ userId, query: "What is 2+2?", models: ["demo-concise"], clock });
  await rate({ userId, turnId: single.answers[0], thumbsUp: true, clock });
  const regen = await createTurnWithAnswers({ userId, query: "Explain recursion", models: ["demo-concise", "demo-detailed"], clock });
  await rate({ userId, turnId: regen.answers[0], stars: 2, clock });
  await rate({ userId, turnId: regen.answers[1], stars: 5, clock });
  // A second chat turn: its context is the earlier user message.
  const session = await prisma.chatSession.findFirstOrThrow({ where: { turns: { some: { id: single.userTurnId } } } });
  const q2 = await prisma.turn.create({ data: { chatSessionId: session.id, userId, position: 2, role: "user", content: "And 3+3?" } });
  const a2 = await prisma.turn.create({
    data: { chatSessionId: session.id, userId, position: 3, role: "assistant", content: "6", parentId: q2.id, modelId: "demo-concise" },
  });
  await rate({ userId, turnId: a2.id, stars: 5, clock });

  const out = join(dir, "export.jsonl");
  // A batch of 1 exercises the keyset pagination on every query.
  await writeAppExport({ out, batchSize: 1 });
  records = readFileSync(out, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record);
});

describe("writeAppExport", () => {
  it("writes the header first, then every llm, interactions and comparisons", () => {
    expect(records[0]).toMatchObject({ type: "header", format: "switchboard-app-export", formatVersion: 1 });
    expect(records.filter((r) => r.type === "llm").map((r) => r.id)).toEqual(expect.arrayContaining(["demo-coder", "demo-concise", "demo-detailed"]));
    const sources = records
      .filter((r) => r.type === "interaction")
      .map((r) => r.source)
      .sort();
    expect(sources).toEqual(["compare", "compare", "compare", "compare", "sibling", "sibling", "stars", "stars", "stars", "thumbs"]);
  });

  it("turns a stored compare vote into a comparison record with pairwise ratings", () => {
    const group = records.find((r) => r.type === "comparison" && r.id === comparisonId)!;
    expect(group).toMatchObject({ userId, winner: "demo-coder", tie: false });
    const members = group.interactionIds!.map((id) => records.find((r) => r.id === id)!);
    expect(members.map((m) => [m.source, m.rating])).toEqual([
      ["compare", 1],
      ["compare", 0],
    ]);
  });

  it("carries the chat's earlier user messages as context", () => {
    const followUp = records.find((r) => r.type === "interaction" && r.turnIndex === 1)!;
    expect(followUp.context).toEqual(["What is 2+2?"]);
  });

  it("is accepted by the Python importer, with the compare vote and the rated regeneration as groups", () => {
    const dataset = join(dir, "app.dataset.json");
    const summary = JSON.parse(
      execFileSync("/usr/bin/python3", ["-m", "training", "import", "app", "--in", join(dir, "export.jsonl"), "--out", dataset, "--no-embed"], {
        encoding: "utf8",
      }),
    );
    expect(summary).toMatchObject({ users: 1, interactions: 10, comparisons: 3 });
    const ds = JSON.parse(readFileSync(dataset, "utf8")) as { groups: { id: string; interactions: string[] }[] };
    const group = ds.groups.find((g) => g.id === comparisonId)!;
    expect(group.interactions).toHaveLength(2);
    expect(ds.groups.some((g) => g.id.endsWith(":sib"))).toBe(true);
  });
});
