import { requireAdmin } from "@/lib/auth/require-user";
import { createCatalogModel, listCatalog } from "@/lib/db/queries/admin/models";
import { toErrorResponse } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { assertSameOrigin } from "@/lib/security/origin";
import { createModelBody } from "./schema";

export async function GET() {
  try {
    await requireAdmin();
    return Response.json({ models: await listCatalog() });
  } catch (err) {
    return toErrorResponse(err);
  }
}

export async function POST(request: Request) {
  try {
    assertSameOrigin(request);
    await requireAdmin();
    const body = await parseJsonBody(request, createModelBody, "admin", 16_000);
    return Response.json({ model: await createCatalogModel({ model: body }) }, { status: 201 });
  } catch (err) {
    return toErrorResponse(err);
  }
}
