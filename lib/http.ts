import type { z } from "zod";
import { AppError, type Surface } from "@/lib/errors";

/** Reads and validates a JSON request body: malformed JSON, oversized bodies and schema violations are 4xx. */
export async function parseJsonBody<T extends z.ZodType>(request: Request, schema: T, surface: Surface, maxBytes = 256_000): Promise<z.infer<T>> {
  const raw = await request.text();
  if (Buffer.byteLength(raw, "utf8") > maxBytes) throw new AppError(`payload_too_large:${surface}`, `Request body is larger than ${maxBytes} bytes.`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new AppError(`bad_request:${surface}`, "Request body is not valid JSON.");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? `${issue.path.join(".")}: ` : "";
    throw new AppError(`bad_request:${surface}`, `${where}${issue.message}`);
  }
  return parsed.data;
}
