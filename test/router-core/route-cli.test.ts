/** router-core/bin/route.ts end to end on the tiny training fixture (USE-lite embedder). */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { hasModel, REPO, TINY_MODEL } from "./helpers";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "route-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (args: string[]) => run(join(REPO, "node_modules/.bin/tsx"), [join(REPO, "router-core/bin/route.ts"), ...args], { cwd: REPO, timeout: 60_000 });

describe.skipIf(!hasModel(TINY_MODEL))("route CLI", () => {
  it("routes a .jsonl file with a store module to a results file", async () => {
    const input = join(dir, "q.jsonl");
    const out = join(dir, "out.json");
    writeFileSync(input, [JSON.stringify({ query_text: "Write a limerick", user_id: "rated" }), JSON.stringify("Explain TCP"), ""].join("\n"));
    await cli(["--route-only", "--model-dir", TINY_MODEL, "--device", "cpu", "--input", input, "--out", out, "--store", join(REPO, "test/router-core/fixtures/cli-store.ts")]);
    const results = JSON.parse(readFileSync(out, "utf8"));
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ index: 0, user_id: "rated", fallback: false, user_preference: { ratings_used: 2, cold_start: false } });
    expect(results[1]).toMatchObject({ index: 1, user_id: "cli-user", user_preference: { ratings_used: 0, cold_start: true } });
    for (const r of results) expect(Object.keys(r.scores)).toContain(r.model_name);
  });

  it("refuses to run without --route-only", async () => {
    await expect(cli(["--model-dir", TINY_MODEL, "--query", "hi"])).rejects.toMatchObject({ stderr: expect.stringContaining("--route-only") });
  });
});
