/** Style rules for router-core (the project's style guide) checked on the sources. */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "./helpers";

const ROOT = join(REPO, "router-core");
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === "models" ? [] : sources(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}
const files = sources(ROOT).map((p) => ({ path: relative(ROOT, p), text: readFileSync(p, "utf8") }));
const imports = (text: string) => [...text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]);

describe("router-core sources", () => {
  it("found the sources", () => {
    expect(files.map((f) => f.path)).toContain("onnx-router.ts");
  });
  it("import no framework (next, react, prisma) and read no env", () => {
    for (const f of files) {
      for (const spec of imports(f.text)) expect(spec, f.path).not.toMatch(/^(next|react|react-dom|@prisma\/|prisma|server-only)(\/|$)/);
      expect(f.text.includes("process.env"), `${f.path} reads process.env`).toBe(false);
    }
  });
  it("import onnxruntime-node only in session.ts (the encoder worker names its types and loads it in its own thread)", () => {
    const importers = files.filter((f) => imports(f.text).some((s) => s.startsWith("onnxruntime")));
    expect(importers.map((f) => f.path).sort()).toEqual(["encoder-worker.ts", "session.ts"]);
    const worker = files.find((f) => f.path === "encoder-worker.ts")!;
    expect(worker.text).not.toMatch(/^import [^t].*onnxruntime/m);
  });
  it("keep features.ts pure: no I/O, clock or randomness", () => {
    const f = files.find((x) => x.path === "features.ts")!;
    expect(imports(f.text).filter((s) => !s.startsWith("./"))).toEqual([]);
    expect(f.text).not.toMatch(/Math\.random|Date\.now|performance\.now|new Date\(/);
  });
  it("keep files kebab-case and under ~400 lines", () => {
    for (const f of files) {
      expect(f.path.split("/").pop(), f.path).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*\.ts$/);
      expect(f.text.split("\n").length, f.path).toBeLessThanOrEqual(420);
    }
  });
});
