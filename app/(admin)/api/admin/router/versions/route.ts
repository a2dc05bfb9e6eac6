import { getRouterState } from "@/lib/ai/router";
import { requireAdmin } from "@/lib/auth/require-user";
import { toErrorResponse } from "@/lib/errors";
import { listRouterVersions } from "@/lib/routing/versions";

/** Registered router versions, newest first, and what this instance serves now. */
export async function GET() {
  try {
    await requireAdmin();
    const { status, modelDir } = getRouterState();
    return Response.json({ versions: await listRouterVersions(), serving: { status, modelDir } });
  } catch (err) {
    return toErrorResponse(err);
  }
}
