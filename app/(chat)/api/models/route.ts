import { requireUser } from "@/lib/auth/require-user";
import { listEnabledModels } from "@/lib/db/queries/models";
import { toErrorResponse } from "@/lib/errors";

export async function GET() {
  try {
    await requireUser();
    const models = await listEnabledModels();
    return Response.json({ models: models.map((m) => ({ id: m.id, displayName: m.displayName, description: m.description })) });
  } catch (err) {
    return toErrorResponse(err);
  }
}
