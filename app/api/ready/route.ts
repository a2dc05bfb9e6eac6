import { DATABASE_RETRY_AFTER_SECONDS } from "@/lib/errors";
import { checkReadiness } from "@/lib/observability/readiness";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Readiness: 200 when this instance can serve (database reachable), else 503 with the same Retry-After as any request the database cannot serve. Public, like /api/health, and reveals no user data. */
export async function GET() {
  const readiness = await checkReadiness();
  if (readiness.ready) return Response.json(readiness, { headers: { "cache-control": "no-store" } });
  return Response.json(readiness, { status: 503, headers: { "cache-control": "no-store", "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS) } });
}
