/**
 * Tells "the database cannot serve right now" apart from a bug in a query, so
 * that such failures are answered 503 (try again) instead of 500. No imports of
 * pg or Prisma: the checks are structural, on what the driver stack throws.
 */

/**
 * SQLSTATE codes that mean the server is down, restarting, full, or cut a
 * statement off at its time limits. Class 08 (connection exception) is matched
 * as a class below.
 */
const UNAVAILABLE_SQLSTATES = new Set([
  "57P01", // admin_shutdown: "terminating connection due to administrator command" (a restart)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: the server is starting up or shutting down
  "53300", // too_many_connections
  "57014", // query_canceled: statement_timeout fired
  "55P03", // lock_not_available: lock_timeout fired
]);

/** @prisma/adapter-pg's classification of socket-level failures (DriverAdapterError's cause.kind). */
const UNAVAILABLE_ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

/**
 * Prisma's codes for the same: P1001/P1002 server unreachable, P1008 operation
 * timed out, P1017 connection closed, P2024 pool timeout, P2037 too many
 * connections, and P2028, whose causes in this app are a transaction that could
 * not get a connection within maxWait or outlived its timeout.
 */
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028", "P2037"]);

/** Socket errors, matched only on the thrown error itself: a fetch to another service wraps its own in `cause`. */
const UNAVAILABLE_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

/**
 * node-postgres throws these as plain Errors without a code, and adapter-pg
 * passes them through as they are: the pool's connectionTimeoutMillis
 * expiring, and a connection that died or was closed under a query.
 */
const UNAVAILABLE_MESSAGES =
  /^(timeout exceeded when trying to connect|Connection terminated( unexpectedly| due to connection timeout)?|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)$/;

type Details = { code?: unknown; errorCode?: unknown; originalCode?: unknown; kind?: unknown; message?: unknown };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** The error, and the driver error a Prisma error carries (meta.driverAdapterError.cause) or a bare DriverAdapterError's cause. */
function detailsOf(err: Record<string, unknown>): Details[] {
  const details: Details[] = [err];
  const adapterError = isObject(err.meta) ? err.meta.driverAdapterError : undefined;
  if (isObject(adapterError) && isObject(adapterError.cause)) details.push(adapterError.cause);
  if (err.name === "DriverAdapterError" && isObject(err.cause)) details.push(err.cause);
  return details;
}

function isUnavailableSqlState(code: unknown): boolean {
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && (code.startsWith("08") || UNAVAILABLE_SQLSTATES.has(code));
}

/** Whether `err` means the database is unreachable, restarting, out of connections or timed out, so the request may be retried shortly. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!isObject(err)) return false;
  if (typeof err.message === "string" && UNAVAILABLE_MESSAGES.test(err.message)) return true;
  if (typeof err.code === "string" && UNAVAILABLE_ERRNOS.has(err.code)) return true;
  return detailsOf(err).some(
    (d) =>
      isUnavailableSqlState(d.code) ||
      isUnavailableSqlState(d.originalCode) ||
      (typeof d.kind === "string" && UNAVAILABLE_ADAPTER_KINDS.has(d.kind)) ||
      (typeof d.code === "string" && UNAVAILABLE_PRISMA_CODES.has(d.code)) ||
      (typeof d.errorCode === "string" && UNAVAILABLE_PRISMA_CODES.has(d.errorCode)),
  );
}
