import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "split-app-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const day = (n: number) => new Date(Date.UTC(2026, 10, n)).toISOString();

function interaction(id: string, user: string, n: number, llm: string, rating: number, source: string) {
  return {
    id,
    user,
    session: `s-${id}`,
    turn: 1,
    query: `q ${id}`,
    context: [],
    llm,
    rating,
    response: null,
    source,
    created_at: day(n),
    category: "",
    query_id: "",
  };
}

/** User u1: 8 votes (days 1-8) and a rating of one voted answer on day 9; user u2: 3 votes (too few to hold any out). */
function dataset() {
  const interactions = [];
  const groups = [];
  for (let n = 1; n <= 8; n++) {
    interactions.push(interaction(`a${n}:cmp`, "u1", n, "m1", 1, "compare"), interaction(`b${n}:cmp`, "u1", n, "m2", 0, "compare"));
    groups.push({ id: `g${n}`, user: "u1", interactions: [`a${n}:cmp`, `b${n}:cmp`], cluster: `c${n}` });
  }
  // The same answer as a8:cmp, rated: it must land on the same side as its vote.
  interactions.push(interaction("a8", "u1", 9, "m1", 1, "thumbs"));
  for (let n = 1; n <= 3; n++) {
    interactions.push(interaction(`x${n}:cmp`, "u2", n, "m1", 0.5, "compare"), interaction(`y${n}:cmp`, "u2", n, "m2", 0.5, "compare"));
    groups.push({ id: `h${n}`, user: "u2", interactions: [`x${n}:cmp`, `y${n}:cmp`], cluster: `d${n}` });
  }
  return {
    format: "switchboard-training-dataset",
    version: 1,
    source: "test",
    embedder: null,
    llms: [
      { id: "m1", description: "model one" },
      { id: "m2", description: "model two" },
    ],
    interactions,
    groups,
    vectors: {},
  };
}

function prepare(doc: unknown, extra: string[] = []) {
  const app = join(dir, "app.dataset.json");
  writeFileSync(app, JSON.stringify(doc));
  const args = ["-m", "training", "split-app", "--app", app, "--train-out", join(dir, "train.json"), "--holdout-out", join(dir, "holdout.json"), ...extra];
  return spawnSync("/usr/bin/python3", args, { encoding: "utf8" });
}

describe("python -m training split-app", () => {
  it("holds out the newest 20% of each user's units, keeping copies of one answer together", () => {
    const res = prepare(dataset());
    expect(res.status).toBe(0);
    const train = JSON.parse(readFileSync(join(dir, "train.json"), "utf8")) as { interactions: { id: string }[]; groups: { id: string }[] };
    const holdout = JSON.parse(readFileSync(join(dir, "holdout.json"), "utf8")) as {
      users: { userId: string; history: unknown[]; pairs: { better: string; worse: string }[] }[];
    };
    // u1 has 9 units: floor(9 * 0.2) = 1 held out, the day-9 rating, which pulls in its vote g8.
    expect(train.groups.map((g) => g.id).sort()).toEqual(["g1", "g2", "g3", "g4", "g5", "g6", "g7", "h1", "h2", "h3"]);
    expect(train.interactions.map((i) => i.id)).not.toContain("a8");
    expect(holdout.users).toHaveLength(1);
    expect(holdout.users[0]).toMatchObject({ userId: "u1", pairs: [{ better: "m1", worse: "m2" }] });
    expect(holdout.users[0].history).toHaveLength(14);
  });

  it("fails with a reason when there is nothing to train on", () => {
    const doc = { ...dataset(), groups: [] };
    const res = prepare(doc);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain("no comparison groups to train on");
  });

  it("adds MT-Bench to the training set only", () => {
    const mtbench = join(dir, "mtbench");
    mkdirSync(mtbench, { recursive: true });
    writeFileSync(join(mtbench, "questions.jsonl"), `${JSON.stringify({ question_id: 81, category: "writing", turns: ["Write a poem"] })}\n`);
    writeFileSync(
      join(mtbench, "answers.jsonl"),
      ["gpt-4", "llama-13b"].map((model) => JSON.stringify({ question_id: 81, model, turns: [`${model} poem`] })).join("\n"),
    );
    writeFileSync(
      join(mtbench, "votes.jsonl"),
      `${JSON.stringify({ vote_id: "v1", judge: "expert_0", question_id: 81, turn: 1, model_a: "gpt-4", model_b: "llama-13b", winner: "model_a" })}\n`,
    );
    const res = prepare(dataset(), ["--mtbench", mtbench]);
    expect(res.status).toBe(0);
    const train = JSON.parse(readFileSync(join(dir, "train.json"), "utf8")) as { groups: { id: string }[]; llms: { id: string }[] };
    expect(train.groups.map((g) => g.id)).toContain("v1");
    expect(train.llms.map((l) => l.id)).toEqual(expect.arrayContaining(["m1", "m2", "gpt-4", "llama-13b"]));
    const holdout = JSON.parse(readFileSync(join(dir, "holdout.json"), "utf8")) as { users: { userId: string }[] };
    expect(holdout.users.map((u) => u.userId)).toEqual(["u1"]);
  });
});
