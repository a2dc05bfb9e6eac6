import pino from "pino";
import { env } from "@/lib/env";

/**
 * The app's one logger: JSON lines on stdout (stderr for the command line), so any collector (Docker, journald,
 * Loki, CloudWatch) can parse them without a sidecar. Secrets that may ride along
 * in logged objects are redacted by path.
 */
const options: pino.LoggerOptions = {
  level: env.LOG_LEVEL,
  base: { service: env.OTEL_SERVICE_NAME },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
  redact: { paths: ["authorization", "headers.authorization", "headers.cookie", "apiKey", "password"], censor: "[redacted]" },
};

export const log = env.LOG_DESTINATION === "stderr" ? pino(options, pino.destination(2)) : pino(options);

export type Logger = typeof log;

/** A logger whose lines carry the component that wrote them. */
export function getLogger(component: string): Logger {
  return log.child({ component });
}
