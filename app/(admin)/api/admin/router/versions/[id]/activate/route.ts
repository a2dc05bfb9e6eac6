import { requireAdmin } from "@/lib/auth/require-user";
import { AppError, toErrorResponse } from "@/lib/errors";
import { getRouterState } from "@/lib/router/runtime";
import { activateRouterVersion } from "@/lib/router/versions";
import { assertSameOrigin } from "@/lib/security/origin";
import { versionIdParam } from "../../../schema";

type Context = { params: Promise<{ id: string }> };

/** Makes a version the active router (or "default": the shipped model) and swaps to it without dropping requests. */
export async function POST(request: Request, context: Context) {
  try {
    assertSameOrigin(request);
    await requireAdmin();
    const id = versionIdParam.safeParse((await context.params).id);
    if (!id.success) throw new AppError("not_found:router", "Router version not found.");
    const version = await activateRouterVersion({ id: id.data });
    const { status, modelDir } = getRouterState();
    return Response.json({ version, serving: { status, modelDir } });
  } catch (err) {
    return toErrorResponse(err);
  }
}
