export const dynamic = "force-dynamic";

/** Liveness: the process is up and serving HTTP. Public, and touches nothing, so a slow database never gets a live instance restarted. */
export function GET() {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
