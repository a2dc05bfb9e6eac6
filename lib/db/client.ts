import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { env } from "@/lib/env";
import { getLogger } from "@/lib/log";
import { PrismaClient } from "./generated/client";

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

const logger = getLogger("db");

/**
 * The connection pool, bounded in time: waiting for a connection by
 * DATABASE_POOL_TIMEOUT_MS, each statement and lock wait on it by
 * DATABASE_STATEMENT_TIMEOUT_MS and DATABASE_LOCK_TIMEOUT_MS (a server-side
 * cancel frees the connection, which a client-side timeout would not).
 *
 * When the server drops connections (a restart, an admin kill) each pg client
 * emits "error"; one that is checked out at that moment has no listener of the
 * pool's, and an unhandled "error" event would take the whole process down.
 * Every client therefore keeps a listener of its own; the failed query still
 * fails, and the pool replaces the broken connection.
 */
export function createPool(): pg.Pool {
  const pool = new pg.Pool({
    connectionString: env.DATABASE_URL,
    max: env.DATABASE_POOL_SIZE,
    // A request waits this long for a free connection, then fails and is answered 503 (lib/errors.ts).
    connectionTimeoutMillis: env.DATABASE_POOL_TIMEOUT_MS,
    // Sent as session settings when a connection opens; pg leaves a 0 (off) out, so the server's default applies.
    statement_timeout: env.DATABASE_STATEMENT_TIMEOUT_MS,
    lock_timeout: env.DATABASE_LOCK_TIMEOUT_MS,
  });
  pool.on("error", (err) => logger.warn({ err }, "idle database connection lost"));
  pool.on("connect", (client) => client.on("error", (err) => logger.warn({ err }, "database connection lost")));
  return pool;
}

/**
 * Every statement is prepared once per connection under a name derived from its text, so PostgreSQL parses it
 * once per connection and can reuse its plan: a quarter less of PostgreSQL's CPU per turn and rating under
 * bench/load/run.ts. DATABASE_PREPARED_STATEMENTS=false sends each statement unnamed, as a transaction-mode pooler needs.
 */
const statementName = ({ sql }: { sql: string }) => `sb_${createHash("sha1").update(sql).digest("base64url")}`;

/** The one Prisma client; reused across hot reloads in development. */
export const prisma: PrismaClient =
  globalForPrisma.prisma ??
  new PrismaClient({
    adapter: new PrismaPg(createPool(), { disposeExternalPool: true, statementNameGenerator: env.DATABASE_PREPARED_STATEMENTS ? statementName : undefined }),
  });

if (env.NODE_ENV !== "production") globalForPrisma.prisma = prisma;
