import "server-only";
import { prisma } from "@/lib/db/client";
import { getLogger } from "@/lib/log";
import { getRouterState } from "@/lib/router/runtime";
import { withSpan } from "./tracing";

const logger = getLogger("readiness");

/** How long the database may take to answer a readiness probe before the instance counts as not ready. */
const DB_PROBE_TIMEOUT_MS = 2_000;

export type Readiness = {
  ready: boolean;
  database: { status: "ok" | "unreachable" };
  router: { status: "ready"; routerVersion: string; executionProvider: string } | { status: "degraded" };
};

async function probeDatabase(): Promise<Readiness["database"]> {
  return withSpan("db.ping", {}, async () => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${DB_PROBE_TIMEOUT_MS} ms`)), DB_PROBE_TIMEOUT_MS)),
      );
      await Promise.race([prisma.$queryRaw`SELECT 1`, timeout]);
      return { status: "ok" as const };
    } catch (err) {
      // The probe is public: the driver's message (hosts, ports, database names) goes to the log, not to the caller.
      logger.warn({ err }, "readiness: database unreachable");
      return { status: "unreachable" as const };
    } finally {
      clearTimeout(timer);
    }
  });
}

/**
 * Whether this instance can serve chat. Only the database gates readiness: a
 * degraded router still answers every turn (with the default model), so it is
 * reported for operators but does not take the instance out of rotation.
 */
export async function checkReadiness(): Promise<Readiness> {
  const database = await probeDatabase();
  const state = getRouterState();
  const router: Readiness["router"] =
    state.status === "ready" ? { status: "ready", routerVersion: state.routerVersion, executionProvider: state.executionProvider } : { status: "degraded" };
  return { ready: database.status === "ok", database, router };
}
