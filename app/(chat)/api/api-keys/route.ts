import { issueApiKey } from "@/lib/api/keys";
import { requireUser } from "@/lib/auth/require-user";
import { listApiKeys } from "@/lib/db/queries/api-keys";
import { toErrorResponse } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { assertSameOrigin } from "@/lib/security/origin";
import { createApiKeyBody } from "./schema";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const user = await requireUser();
    return Response.json({ apiKeys: await listApiKeys({ userId: user.id }) });
  } catch (err) {
    return toErrorResponse(err);
  }
}

/** The secret is in this response only; it is never stored or shown again. */
export async function POST(request: Request) {
  try {
    assertSameOrigin(request);
    const user = await requireUser();
    const body = await parseJsonBody(request, createApiKeyBody, "api", 4_096);
    const { key, apiKey } = await issueApiKey({ userId: user.id, name: body.name });
    return Response.json({ key, apiKey }, { status: 201, headers: { "cache-control": "no-store" } });
  } catch (err) {
    return toErrorResponse(err);
  }
}
