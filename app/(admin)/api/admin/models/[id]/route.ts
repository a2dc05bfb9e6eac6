import { requireAdmin } from "@/lib/auth/require-user";
import { updateCatalogModel } from "@/lib/db/queries/admin/models";
import { AppError, toErrorResponse } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { assertSameOrigin } from "@/lib/security/origin";
import { modelIdParam, updateModelBody } from "../schema";

type Context = { params: Promise<{ id: string }> };

export async function PATCH(request: Request, context: Context) {
  try {
    assertSameOrigin(request);
    await requireAdmin();
    const id = modelIdParam.safeParse((await context.params).id);
    if (!id.success) throw new AppError("not_found:model", "Model not found.");
    const changes = await parseJsonBody(request, updateModelBody, "admin", 16_000);
    return Response.json({ model: await updateCatalogModel({ id: id.data, changes }) });
  } catch (err) {
    return toErrorResponse(err);
  }
}
