import type { z } from "zod";
import { AppError, type Surface } from "@/lib/errors";

/** Deeper JSON than any of our schemas reads is refused before parsing, so a 1M-deep array costs a scan, not a parse. */
export const MAX_JSON_DEPTH = 64;

/** How much of a refused body is read (and dropped) before answering. */
const DRAIN_BYTES = 4 * 1024 * 1024;

/**
 * Reads and drops the rest of a refused body, up to DRAIN_BYTES, before the
 * 413 goes out. A server that answers and closes while the client is still
 * uploading leaves unread bytes in its socket, which makes the kernel reset the
 * connection, and the client fails with EPIPE or ECONNRESET instead of reading
 * the 413. Past the bound the answer goes out anyway and the connection is
 * closed under the upload; nothing is kept either way.
 */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  let dropped = 0;
  for (let next = await reader.read(); !next.done && dropped <= DRAIN_BYTES; next = await reader.read()) dropped += next.value.byteLength;
  reader.releaseLock();
}

/**
 * Reads a request body as UTF-8 text, at most maxBytes of it: a declared
 * Content-Length over the cap is refused before a byte is kept, and an
 * undeclared (chunked) body is counted as it streams in and refused as soon
 * as it passes the cap, so no oversized body is ever held in memory.
 */
export async function readBodyText(request: Request, surface: Surface, maxBytes: number): Promise<string> {
  const tooLarge = () => new AppError(`payload_too_large:${surface}`, `Request body is larger than ${maxBytes} bytes.`);
  if (!request.body) return "";
  const reader = request.body.getReader();
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) {
    await drain(reader);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    size += next.value.byteLength;
    if (size > maxBytes) {
      await drain(reader);
      throw tooLarge();
    }
    chunks.push(next.value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The deepest nesting of arrays and objects in JSON text (brackets inside strings do not count). */
export function jsonDepth(raw: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) max = Math.max(max, ++depth);
    else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return max;
}

/** Reads and validates a JSON request body: malformed, too deep or oversized bodies and schema violations are 4xx. */
export async function parseJsonBody<T extends z.ZodType>(request: Request, schema: T, surface: Surface, maxBytes = 256_000): Promise<z.infer<T>> {
  const raw = await readBodyText(request, surface, maxBytes);
  if (jsonDepth(raw) > MAX_JSON_DEPTH) throw new AppError(`bad_request:${surface}`, `Request body is nested deeper than ${MAX_JSON_DEPTH} levels.`);
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
