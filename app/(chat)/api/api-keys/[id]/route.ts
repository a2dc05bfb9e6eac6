import { requireUser } from "@/lib/auth/require-user";
import { revokeApiKey } from "@/lib/db/queries/api-keys";
import { AppError, toErrorResponse } from "@/lib/errors";
import { assertSameOrigin } from "@/lib/security/origin";
import { apiKeyIdParam } from "../schema";

export const dynamic = "force-dynamic";

/** Revokes a key; it stays listed (with its revocation time) so the user can see what was cut off. */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    assertSameOrigin(request);
    const user = await requireUser();
    const id = apiKeyIdParam.safeParse((await params).id);
    if (!id.success) throw new AppError("not_found:api", "API key not found.");
    await revokeApiKey({ id: id.data, userId: user.id });
    return new Response(null, { status: 204 });
  } catch (err) {
    return toErrorResponse(err);
  }
}
