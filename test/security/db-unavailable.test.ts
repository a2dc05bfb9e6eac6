import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { toOpenAIErrorResponse } from "@/lib/api/openai-errors";
import { createPool } from "@/lib/db/client";
import { PrismaClient } from "@/lib/db/generated/client";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { toErrorResponse } from "@/lib/errors";
import { freePort } from "../support/net";

// Runs before the imports, so lib/env reads short server-side limits for the app's own pool (and no log noise).
vi.hoisted(() => {
  process.env.LOG_LEVEL = "silent";
  process.env.DATABASE_STATEMENT_TIMEOUT_MS = "1000";
  process.env.DATABASE_LOCK_TIMEOUT_MS = "200";
});

const MESSAGE = "The database is unavailable, try again in a few seconds.";
const clients: { $disconnect: () => Promise<void> }[] = [];
afterAll(() => Promise.all(clients.map((c) => c.$disconnect())));

function prismaOn(pool: pg.Pool) {
  pool.on("error", () => {});
  pool.on("connect", (c) => c.on("error", () => {}));
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  clients.push(client);
  return client;
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error("expected the query to fail");
}

async function expect503(err: unknown) {
  expect(isDatabaseUnavailable(err)).toBe(true);
  const web = toErrorResponse(err);
  expect(web.status).toBe(503);
  expect(Number(web.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
  expect(await web.json()).toEqual({ code: "unavailable:database", error: MESSAGE });
  const api = toOpenAIErrorResponse(err);
  expect(api.status).toBe(503);
  expect(api.headers.get("Retry-After")).toBe(web.headers.get("Retry-After"));
  expect(await api.json()).toEqual({ error: { message: MESSAGE, type: "server_error", param: null, code: "service_unavailable" } });
}

describe("a database that cannot serve is a 503 with Retry-After", () => {
  it("connection refused, through a model query and a raw query", async () => {
    const prisma = prismaOn(new pg.Pool({ connectionString: `postgresql://postgres@127.0.0.1:${await freePort()}/postgres` }));
    await expect503(await failure(() => prisma.user.findFirst()));
    await expect503(await failure(() => prisma.$queryRaw`SELECT 1`));
  });

  it("every pooled connection busy past the pool timeout, also when opening a transaction", async () => {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1, connectionTimeoutMillis: 200 });
    const prisma = prismaOn(pool);
    const held = await pool.connect();
    try {
      await expect503(await failure(() => prisma.user.count()));
      await expect503(await failure(() => prisma.$transaction(async (tx) => tx.user.count())));
    } finally {
      held.release();
    }
  });

  it("a connection the server terminates under a query (57P01, as in a restart)", async () => {
    const prisma = prismaOn(new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 }));
    const [{ pid }] = await prisma.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    const query = failure(() => prisma.$queryRaw`SELECT 1 AS one FROM pg_sleep(5)`);
    await new Promise((r) => setTimeout(r, 300));
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
    await admin.end();
    await expect503(await query);
  });

  it("the app pool's statement_timeout cuts a stuck query off and frees its connection", async () => {
    const prisma = prismaOn(createPool());
    const started = performance.now();
    const err = await failure(() => prisma.$queryRaw`SELECT 1 AS one FROM pg_sleep(5)`);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(String(err)).toMatch(/statement timeout/);
    await expect503(err);
    expect(await prisma.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  });

  it("the app pool's lock_timeout ends a wait on a row lock held elsewhere", async () => {
    const prisma = prismaOn(createPool());
    const locker = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await locker.connect();
    try {
      await locker.query("BEGIN");
      await locker.query("LOCK TABLE rate_limits IN ACCESS EXCLUSIVE MODE");
      const started = performance.now();
      const err = await failure(() => prisma.$queryRaw`SELECT count(*)::int AS n FROM rate_limits`);
      expect(performance.now() - started).toBeLessThan(900);
      expect(String(err)).toMatch(/lock timeout/);
      await expect503(err);
    } finally {
      await locker.query("ROLLBACK");
      await locker.end();
    }
  });
});

describe("other failures stay what they are", () => {
  it("a constraint violation or a bug is a 500 without details", async () => {
    const prisma = prismaOn(new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 }));
    const bad = await failure(() => prisma.$queryRaw`SELECT 1 / 0`);
    expect(isDatabaseUnavailable(bad)).toBe(false);
    expect(toErrorResponse(bad).status).toBe(500);
    expect(toOpenAIErrorResponse(bad).status).toBe(500);
    expect(isDatabaseUnavailable(new Error("boom"))).toBe(false);
  });

  it("another service refusing a fetch is not a database outage", async () => {
    const refused = await failure(async () => fetch(`http://127.0.0.1:${await freePort()}/`));
    expect(isDatabaseUnavailable(refused)).toBe(false);
    expect(toErrorResponse(refused).status).toBe(500);
  });
});
