import type { z } from "zod";
import { AppError, type Surface } from "@/lib/errors";

/** Deeper JSON than any of our schemas reads is refused before parsing, so a 1M-deep array costs a scan, not a parse. */
export const MAX_JSON_DEPTH = 64;

/** How much of a refused body is still read (and dropped) after the answer, so that the client, still sending, gets to read its 413. */
const DRAIN_BYTES = 16 * 1024 * 1024;

/**
 * Reads and drops the rest of a refused body in the background, up to
 * DRAIN_BYTES: a server that stops reading (or closes) while a client is still
 * uploading makes the client fail with EPIPE or ECONNRESET before it reads the
 * 413. Past the bound the connection is cut; nothing is kept either way.
 */
function drain(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  void (async () => {
    let dropped = 0;
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      dropped += next.value.byteLength;
      if (dropped > DRAIN_BYTES) return reader.cancel();
    }
  })().catch(() => undefined);
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
    drain(reader);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    size += next.value.byteLength;
    if (size > maxBytes) {
      drain(reader);
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
