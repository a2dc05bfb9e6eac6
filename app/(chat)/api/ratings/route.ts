import { requireUser } from "@/lib/auth/require-user";
import { toErrorResponse } from "@/lib/errors";
import { deleteRating, saveRating } from "@/lib/feedback/ratings";
import { parseJsonBody } from "@/lib/http";
import { assertSameOrigin } from "@/lib/security/origin";
import { deleteRatingBody, putRatingBody } from "./schema";

/** PUT is idempotent: the same body any number of times leaves one rating. */
export async function PUT(request: Request) {
  try {
    assertSameOrigin(request);
    const user = await requireUser();
    const { turnId, ...input } = await parseJsonBody(request, putRatingBody, "rating", 8_192);
    return Response.json({ rating: await saveRating({ userId: user.id, turnId, input }) });
  } catch (err) {
    return toErrorResponse(err);
  }
}

export async function DELETE(request: Request) {
  try {
    assertSameOrigin(request);
    const user = await requireUser();
    const { turnId } = await parseJsonBody(request, deleteRatingBody, "rating", 1_024);
    await deleteRating({ userId: user.id, turnId });
    return new Response(null, { status: 204 });
  } catch (err) {
    return toErrorResponse(err);
  }
}
