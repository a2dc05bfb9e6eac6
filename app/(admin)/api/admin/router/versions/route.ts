import { requireAdmin } from "@/lib/auth/require-user";
import { toErrorResponse } from "@/lib/errors";
import { getRouterState } from "@/lib/router/runtime";
import { listRouterVersions } from "@/lib/router/versions";

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
