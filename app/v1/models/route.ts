import { authenticateApiKey } from "@/lib/api/keys";
import { listApiModels } from "@/lib/api/models";
import { toOpenAIErrorResponse } from "@/lib/api/openai-errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  try {
    await authenticateApiKey(request);
    return Response.json(await listApiModels());
  } catch (err) {
    return toOpenAIErrorResponse(err);
  }
}
