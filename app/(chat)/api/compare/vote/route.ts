import { requireUser } from "@/lib/auth/require-user";
import { toErrorResponse } from "@/lib/errors";
import { voteComparison } from "@/lib/feedback/compare";
import { parseJsonBody } from "@/lib/http";
import { assertSameOrigin } from "@/lib/security/origin";
import { voteBody } from "../schema";

export async function POST(request: Request) {
  try {
    assertSameOrigin(request);
    const user = await requireUser();
    const vote = await parseJsonBody(request, voteBody, "chat", 2_048);
    return Response.json({ comparison: await voteComparison({ userId: user.id, vote }) }, { status: 201 });
  } catch (err) {
    return toErrorResponse(err);
  }
}
