/** Which folder may import which: the layout rules of the developers' guide, checked on the tracked sources. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const tracked = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
  .split("\0")
  .filter(Boolean);
const sources = tracked.filter((f) => /\.(ts|tsx)$/.test(f) && !f.startsWith("lib/db/generated/"));
const importsOf = (file: string) => [...readFileSync(join(ROOT, file), "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]);

/** Files under `from` that import a module under one of `targets` (by alias or relative path). */
function offenders(from: string, targets: string[]): string[] {
  return sources
    .filter((f) => f.startsWith(`${from}/`))
    .flatMap((f) => {
      const depth = f.split("/").length - 1;
      return importsOf(f)
        .filter((spec) =>
          targets.some(
            (t) => spec.startsWith(`@/${t}/`) || (spec.startsWith(".") && join(f, "..", spec).startsWith(`${t}/`) && depth > 0 && !f.startsWith(`${t}/`)),
          ),
        )
        .map((spec) => `${f} imports ${spec}`);
    });
}

describe("layout", () => {
  it("found the sources", () => {
    expect(sources).toContain("lib/router/retrain.ts");
  });
  it("lib never imports routes or UI (app/, components/), and components never import routes", () => {
    expect(offenders("lib", ["app", "components"])).toEqual([]);
    expect(offenders("components", ["app"])).toEqual([]);
  });
  it("one turn pipeline (lib/turn) behind two thin wire adapters; the db layer imports neither, nor UI code", () => {
    expect(offenders("lib/db", ["lib/turn", "lib/chat", "lib/api", "components"])).toEqual([]);
    expect(offenders("lib/turn", ["lib/chat", "lib/api"])).toEqual([]);
    // The adapters prepare a turn and write its wire format; opening the reply and storing the answer is runTurn's.
    for (const adapter of ["lib/chat/stream-reply.ts", "lib/api/chat-completions.ts"]) {
      expect(importsOf(adapter), adapter).toContain("@/lib/turn/run-turn");
      expect(readFileSync(join(ROOT, adapter), "utf8"), adapter).not.toMatch(/\b(openReply|beginAssistantTurn|appendUserTurn)\(/);
    }
  });
  it("router-core imports nothing of the app (lib/, app/, components/)", () => {
    expect(offenders("router-core", ["lib", "app", "components"])).toEqual([]);
  });
  it("nothing the app runs imports bench/, and tests, faults and benches share one harness (test/support)", () => {
    for (const dir of ["app", "components", "lib", "router-core", "cli", "test/support", "test/e2e", "test/faults"])
      expect(offenders(dir, ["bench"]), dir).toEqual([]);
  });
  it("the routing decision's types are a leaf that db, the turn pipeline and the UI share; db never imports the chat's UI types", () => {
    expect(importsOf("lib/router/decision.ts")).toEqual(["zod"]);
    expect(offenders("lib/db", ["lib/chat"])).toEqual([]);
  });
  it("no Python among the app's sources: the trainer and its scripts live in training/", () => {
    const python = tracked.filter((f) => f.endsWith(".py") && /^(app|components|lib|router-core|cli)\//.test(f));
    expect(python).toEqual([]);
  });
});
