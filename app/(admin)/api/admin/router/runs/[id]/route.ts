import { requireAdmin } from "@/lib/auth/require-user";
import { AppError, toErrorResponse } from "@/lib/errors";
import { getTrainingRun } from "@/lib/router/retrain";
import { runIdParam } from "../../schema";

type Context = { params: Promise<{ id: string }> };

/** A training run's status, progress, stage, log and outcome. */
export async function GET(_request: Request, context: Context) {
  try {
    await requireAdmin();
    const id = runIdParam.safeParse((await context.params).id);
    if (!id.success) throw new AppError("not_found:router", "Training run not found.");
    return Response.json({ run: await getTrainingRun({ id: id.data }) });
  } catch (err) {
    return toErrorResponse(err);
  }
}
