import { requireAdmin } from "@/lib/auth/require-user";
import { type DecisionLogRow, iterateDecisions } from "@/lib/db/queries/admin/decisions";
import { AppError, toErrorResponse } from "@/lib/errors";
import { decisionsExportQuery, toDecisionFilter } from "../schema";

const HEADER = [
  "id",
  "created_at",
  "user_id",
  "user_email",
  "chosen_model_id",
  "router_version",
  "execution_provider",
  "confidence",
  "ratings_used",
  "cold_start",
  "override",
  "fallback",
  "total_ms",
  "candidates",
  "timings",
];

function csvCell(value: unknown): string {
  const text = value instanceof Date ? value.toISOString() : typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(r: DecisionLogRow): string {
  return `${[r.id, r.createdAt, r.userId, r.userEmail, r.chosenModelId, r.routerVersion, r.executionProvider, r.confidence, r.ratingsUsed, r.coldStart, r.override, r.fallback, r.totalMs, r.candidates, r.timings].map(csvCell).join(",")}\n`;
}

/**
 * Streams every matching decision as CSV, one keyset batch at a time. The
 * first batch is read before answering, so a database that cannot serve gets
 * its 503 instead of a download cut off after the header.
 */
export async function GET(request: Request) {
  try {
    await requireAdmin();
    const query = decisionsExportQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success) throw new AppError("bad_request:admin", `${query.error.issues[0].path.join(".")}: ${query.error.issues[0].message}`);
    const filter = toDecisionFilter(query.data);
    const batches = iterateDecisions({ filter, batchSize: 2_000 });
    let next = await batches.next();
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`${HEADER.join(",")}\n`));
      },
      async pull(controller) {
        if (next.done) return controller.close();
        controller.enqueue(encoder.encode(next.value.map(csvLine).join("")));
        next = await batches.next();
      },
      async cancel() {
        await batches.return(undefined);
      },
    });
    return new Response(body, {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="routing-decisions.csv"' },
    });
  } catch (err) {
    return toErrorResponse(err);
  }
}
