import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { getLogger } from "@/lib/log";

/**
 * Application errors as `type:surface` codes. The type decides the HTTP status;
 * the message is safe to show to the user who made the request.
 */
export type ErrorType = "bad_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "payload_too_large" | "rate_limit" | "unavailable";
export type Surface = "auth" | "chat" | "session" | "rating" | "model" | "router" | "api" | "admin" | "database";
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
  /** Sent as `Retry-After` (seconds): when a client may expect the same request to succeed. */
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, { retryAfterSeconds }: { retryAfterSeconds?: number } = {}) {
    super(message);
    const [type, surface] = code.split(":") as [ErrorType, Surface];
    this.type = type;
    this.surface = surface;
    this.status = STATUS[type];
    this.retryAfterSeconds = retryAfterSeconds;
  }

  get code(): ErrorCode {
    return `${this.type}:${this.surface}`;
  }

  /** The response headers this error asks for, in whatever body format the caller answers with. */
  headers(): HeadersInit {
    return this.retryAfterSeconds === undefined ? {} : { "Retry-After": String(this.retryAfterSeconds) };
  }

  toResponse(): Response {
    return Response.json({ code: this.code, error: this.message }, { status: this.status, headers: this.headers() });
  }
}

/** A Postgres restart takes a few seconds, and a full pool drains within its timeout. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

const logger = getLogger("http");

/**
 * Anything thrown in a route handler as the AppError it is answered with: a
 * database that is down, restarting, out of connections or past its time
 * limits is a 503 the client may retry. Null for anything else, which is a bug.
 */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (!isDatabaseUnavailable(err)) return null;
  logger.warn({ err }, "database unavailable");
  return new AppError("unavailable:database", "The database is unavailable, try again in a few seconds.", { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS });
}

/** Turns anything thrown in a route handler into a JSON response; unknown errors are logged, never leaked. */
export function toErrorResponse(err: unknown): Response {
  const known = toAppError(err);
  if (known) return known.toResponse();
  logger.error({ err }, "unhandled error");
  return Response.json({ code: "internal", error: "Something went wrong on our side. Please try again." }, { status: 500 });
}
