import { getLogger } from "@/lib/log";

/**
 * Application errors as `type:surface` codes. The type decides the HTTP status;
 * the message is safe to show to the user who made the request.
 */
export type ErrorType = "bad_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "rate_limit" | "unavailable";
export type Surface = "auth" | "chat" | "session" | "rating" | "model" | "router" | "api" | "admin";
export type ErrorCode = `${ErrorType}:${Surface}`;

const STATUS: Record<ErrorType, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limit: 429,
  unavailable: 503,
};

export class AppError extends Error {
  readonly type: ErrorType;
  readonly surface: Surface;
  readonly status: number;

  constructor(code: ErrorCode, message: string) {
    super(message);
    const [type, surface] = code.split(":") as [ErrorType, Surface];
    this.type = type;
    this.surface = surface;
    this.status = STATUS[type];
  }

  get code(): ErrorCode {
    return `${this.type}:${this.surface}`;
  }

  toResponse(): Response {
    return Response.json({ code: this.code, error: this.message }, { status: this.status });
  }
}

const logger = getLogger("http");

/** Turns anything thrown in a route handler into a JSON response; unknown errors are logged, never leaked. */
export function toErrorResponse(err: unknown): Response {
  if (err instanceof AppError) return err.toResponse();
  logger.error({ err }, "unhandled error");
  return Response.json({ code: "internal", error: "Something went wrong on our side. Please try again." }, { status: 500 });
}
