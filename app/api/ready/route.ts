import { checkReadiness } from "@/lib/observability/readiness";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Readiness: 200 when this instance can serve (database reachable), else 503. Public, like /api/health, and reveals no user data. */
export async function GET() {
  const readiness = await checkReadiness();
  return Response.json(readiness, { status: readiness.ready ? 200 : 503, headers: { "cache-control": "no-store" } });
}
