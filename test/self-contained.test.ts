/** The repository is the product: no tracked file may read or cite a path outside it. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
// Built from parts so this file does not match itself.
const OUTSIDE = [
  new RegExp(["\\.\\.", "shared"].join("/")),
  new RegExp(["", "work", ""].join("/")),
  new RegExp(["shared", "(notes|data)"].join("/")),
  new RegExp(["parent", '"shared"'].join(" / ")), // the same, spelt with pathlib
];

function trackedTextFiles(): string[] {
  const files = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  return files.filter((f) => f !== "package-lock.json" && !/\.(png|jpe?g|onnx|gz|ico)$/.test(f));
}

describe("self-contained repository", () => {
  it("names no path outside the repository in any tracked file", () => {
    const hits: string[] = [];
    for (const file of trackedTextFiles()) {
      const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
      lines.forEach((line, i) => {
        if (OUTSIDE.some((re) => re.test(line))) hits.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(hits).toEqual([]);
  });

  it("ships the MT-Bench human judgments with their license and attribution", () => {
    const folder = join(ROOT, "data", "mtbench-human");
    const votes = readFileSync(join(folder, "votes.jsonl"), "utf8").trim().split("\n");
    expect(votes).toHaveLength(2558);
    expect(readFileSync(join(folder, "LICENSE.md"), "utf8")).toContain("CC-BY-4.0");
    expect(readFileSync(join(folder, "SOURCES.md"), "utf8")).toContain("arXiv:2306.05685");
  });
});
