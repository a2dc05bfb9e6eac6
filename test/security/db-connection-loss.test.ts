import pg from "pg";
import { describe, expect, it } from "vitest";
import { createPool } from "@/lib/db/client";

describe("database connection loss", () => {
  it("a checked-out connection the server kills fails its query but does not crash the process", async () => {
    const pool = createPool();
    const crashes: unknown[] = [];
    const onUncaught = (err: unknown) => crashes.push(err);
    process.on("uncaughtException", onUncaught);
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query("SELECT pg_terminate_backend($1)", [rows[0].pid]);
      await admin.end();
      await new Promise((r) => setTimeout(r, 300));
      await expect(client.query("SELECT 1")).rejects.toThrow();
      client.release(true);
      expect((await pool.query<{ ok: number }>("SELECT 1 AS ok")).rows).toEqual([{ ok: 1 }]);
      expect(crashes).toEqual([]);
    } finally {
      process.off("uncaughtException", onUncaught);
      await pool.end();
    }
  });
});
