import { requireAdmin } from "@/lib/auth/require-user";
import { toErrorResponse } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { getLogger } from "@/lib/log";
import { startRetrain } from "@/lib/router/retrain";
import { assertSameOrigin } from "@/lib/security/origin";
import { retrainBody } from "../schema";

const logger = getLogger("retrain");

/** Starts a retraining run in the background (202); watch it at /api/admin/router/runs/[id]. 409 while another runs. */
export async function POST(request: Request) {
  try {
    assertSameOrigin(request);
    const admin = await requireAdmin();
    const options = await parseJsonBody(request, retrainBody, "admin", 4_096);
    const { run, finished } = await startRetrain({ startedBy: admin.id, options, trigger: { kind: "admin" } });
    finished.catch((err: unknown) => logger.error({ err, runId: run.id }, "retraining run could not record its outcome"));
    return Response.json({ run }, { status: 202 });
  } catch (err) {
    return toErrorResponse(err);
  }
}
