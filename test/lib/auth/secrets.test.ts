import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { authSecretProblem } from "@/lib/auth/secret-strength";

const script = path.resolve("scripts/write-env.sh");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "sb-env-"));
  dirs.push(dir);
  return dir;
}

describe("AUTH_SECRET", () => {
  it("refuses the .env.example placeholder, short and low-entropy secrets, and accepts a generated one", () => {
    const placeholder = /^AUTH_SECRET=(.*)$/m.exec(readFileSync(".env.example", "utf8"))![1];
    expect(authSecretProblem(placeholder)).toMatch(/placeholder/);
    expect(authSecretProblem(undefined)).toMatch(/not set/);
    expect(authSecretProblem("0123456789abcdef")).toMatch(/shorter than 32/);
    expect(authSecretProblem("a".repeat(64))).toMatch(/low in entropy/);
    expect(authSecretProblem("abcd".repeat(10))).toMatch(/low in entropy/);
    expect(authSecretProblem("gL2J6FOvzmvQtlpirFjyCc_LTV1_5WT3C0DA8nVgmbY")).toBeNull();
  });

  it("scripts/write-env.sh writes .env readable by its owner only, with a secret that passes", () => {
    const dir = tempDir();
    execFileSync("bash", [script], { cwd: dir });
    const file = path.join(dir, ".env");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(authSecretProblem(/^AUTH_SECRET=(.*)$/m.exec(readFileSync(file, "utf8"))![1])).toBeNull();
  });

  it("tightens an existing world-readable .env without changing it", () => {
    const dir = tempDir();
    const file = path.join(dir, ".env");
    writeFileSync(file, "AUTH_SECRET=kept\n", { mode: 0o644 });
    execFileSync("bash", [script], { cwd: dir });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toBe("AUTH_SECRET=kept\n");
  });
});
