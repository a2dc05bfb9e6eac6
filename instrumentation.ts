/**
 * Next.js calls register() once per server process at startup, before the
 * first request. Tracing is opt-in: without OTEL_EXPORTER_OTLP_ENDPOINT no SDK
 * is loaded and every span in lib/observability/tracing.ts is a no-op, so
 * nothing tries the network.
 */
export async function register(): Promise<void> {
  const { env } = await import("./lib/env");
  const { getLogger } = await import("./lib/log");
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    const { startTracing, flushTracing } = await import("./lib/observability/otel");
    startTracing({ endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: env.OTEL_SERVICE_NAME });
    // On SIGTERM Next.js drains in-flight requests, then exits without a hook for us: export what is buffered now;
    // spans of requests still draining go out with the processor's periodic export (every 5 s) while they finish.
    process.once("SIGTERM", () => void flushTracing());
    getLogger("otel").info({ endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT }, "tracing enabled");
  }
  // Loading the router in the background keeps startup fast; /api/ready reports "degraded" until it is in.
  const { warmUpRouter } = await import("./lib/ai/router");
  const logger = getLogger("router");
  void warmUpRouter().then(
    (state) => logger.info({ router: state }, "router warm-up finished"),
    (err: unknown) => logger.error({ err }, "router warm-up failed"),
  );
}
