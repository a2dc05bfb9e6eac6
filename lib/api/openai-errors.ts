import "server-only";
import { toAppError } from "@/lib/errors";
import { getLogger } from "@/lib/log";

const logger = getLogger("openai-api");

/** OpenAI's error body, which its SDKs parse into typed exceptions. */
export type OpenAIErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

export function openAIError(status: number, message: string, type: string, code: string | null, headers?: HeadersInit): Response {
  const body: OpenAIErrorBody = { error: { message, type, param: null, code } };
  return Response.json(body, { status, headers });
}

/** The upstream model failed; the turn is stored as failed and the client gets a 502. */
export class UpstreamModelError extends Error {}

const TYPE_BY_STATUS: Record<number, [type: string, code: string | null]> = {
  400: ["invalid_request_error", null],
  401: ["invalid_request_error", "invalid_api_key"],
  403: ["permission_error", null],
  404: ["invalid_request_error", "not_found"],
  409: ["invalid_request_error", "conflict"],
  413: ["invalid_request_error", "request_too_large"],
  429: ["rate_limit_error", "rate_limit_exceeded"],
  503: ["server_error", "service_unavailable"],
};

/** Anything thrown while serving /v1 as an OpenAI-shaped error (database outages included, as 503); unknown errors are logged, never leaked. */
export function toOpenAIErrorResponse(err: unknown): Response {
  const known = toAppError(err);
  if (known) {
    const [type, code] = TYPE_BY_STATUS[known.status] ?? ["invalid_request_error", null];
    return openAIError(known.status, known.message, type, known.code === "not_found:model" ? "model_not_found" : code, known.headers());
  }
  if (err instanceof UpstreamModelError) return openAIError(502, err.message, "upstream_error", "model_error");
  logger.error({ err }, "unhandled error");
  return openAIError(500, "Something went wrong on our side. Please try again.", "server_error", null);
}
