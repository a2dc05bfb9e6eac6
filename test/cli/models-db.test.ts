/** `switchboard models` and `switchboard db migrate` against real PostgreSQL databases. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db/client";
import { switchboard } from "../support/cli";

// Every command is a process of its own: seconds each on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

const dir = mkdtempSync(join(tmpdir(), "cli-models-"));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await prisma.$disconnect();
});

const model = (id: string, baseUrl: string) => ({ id, displayName: `Model ${id}`, baseUrl, providerModelId: id, description: `the ${id} model` });

describe("switchboard models", () => {
  it("sync inserts new models and updates only the wiring of stored ones; list shows them", async () => {
    const file = join(dir, "models.json");
    writeFileSync(
      file,
      JSON.stringify({ defaultModel: "cli-a", models: [model("cli-a", "http://127.0.0.1:5001/v1"), model("cli-b", "http://127.0.0.1:5001/v1")] }),
    );
    const first = await switchboard(["models", "sync", "--file", file]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("models: cli-a, cli-b (default cli-a)");

    await prisma.llmModel.update({ where: { id: "cli-a" }, data: { displayName: "Renamed by an admin", enabled: false } });
    writeFileSync(file, JSON.stringify({ defaultModel: "cli-a", models: [model("cli-a", "http://127.0.0.1:5002/v1")] }));
    expect((await switchboard(["models", "sync", "--file", file])).code).toBe(0);
    expect(await prisma.llmModel.findUniqueOrThrow({ where: { id: "cli-a" } })).toMatchObject({
      displayName: "Renamed by an admin",
      enabled: false,
      baseUrl: "http://127.0.0.1:5002/v1",
    });

    const listed = await switchboard(["models", "list", "--json"]);
    expect(listed.code).toBe(0);
    const rows = listed.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; enabled: boolean });
    expect(rows).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: "cli-a", enabled: false }), expect.objectContaining({ id: "cli-b", enabled: true })]),
    );
  });

  it("refuses an invalid models file, naming the file and the field, and changes nothing", async () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ defaultModel: "cli-c", models: [{ ...model("cli-c", "not a url") }] }));
    const result = await switchboard(["models", "sync", "--file", file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}: invalid models file`);
    expect(result.stderr).toContain("models.0.baseUrl");
    expect(await prisma.llmModel.count({ where: { id: "cli-c" } })).toBe(0);
  });
});

describe("switchboard db migrate", () => {
  it("creates a missing database, applies every migration, and skips them the second time", async () => {
    const server = new URL(process.env.DATABASE_URL as string);
    const name = `sb_cli_migrate_${Date.now().toString(36)}`;
    server.pathname = `/${name}`;
    try {
      const first = await switchboard(["db", "migrate"], { env: { DATABASE_URL: server.toString() } });
      expect(first.code, first.stderr).toBe(0);
      const applied = Number(/migrations: (\d+) applied, 0 already present/.exec(first.stdout)?.[1]);
      expect(applied).toBeGreaterThan(0);
      const second = await switchboard(["db", "migrate"], { env: { DATABASE_URL: server.toString() } });
      expect(second.stdout).toContain(`migrations: 0 applied, ${applied} already present`);
    } finally {
      server.pathname = "/postgres";
      const admin = new pg.Client({ connectionString: server.toString() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
