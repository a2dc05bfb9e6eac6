import "server-only";
import { authSecretProblem } from "@/lib/auth/secret-strength";
import { env } from "@/lib/env";
import { getLogger } from "@/lib/log";
import { startAutoRetrainTimer } from "@/lib/router/auto-retrain";
import { warmUpRouter } from "@/lib/router/runtime";
import { installPeerStamp } from "@/lib/security/peer";

/**
 * Start-up work of a Node.js server process, run once from instrumentation.ts
 * before the first request. Tracing is opt-in: without
 * OTEL_EXPORTER_OTLP_ENDPOINT no SDK is loaded and every span in tracing.ts is
 * a no-op, so nothing tries the network.
 */
export async function startServerProcess(): Promise<void> {
  if (env.NODE_ENV === "production") {
    const problem = authSecretProblem(env.AUTH_SECRET);
    if (problem) {
      // Refusing to start beats serving sessions that anyone who read .env.example can forge.
      getLogger("auth").fatal(problem);
      process.exit(1);
    }
  }
  installPeerStamp();
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    const { startTracing, flushTracing } = await import("./otel");
    startTracing({ endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: env.OTEL_SERVICE_NAME });
    // On SIGTERM Next.js drains in-flight requests, then exits without a hook for us: export what is buffered now;
    // spans of requests still draining go out with the processor's periodic export (every 5 s) while they finish.
    process.once("SIGTERM", () => void flushTracing());
    getLogger("otel").info({ endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT }, "tracing enabled");
  }
  startAutoRetrainTimer();
  // Loading the router in the background keeps startup fast; /api/ready reports "degraded" until it is in.
  const logger = getLogger("router");
  void warmUpRouter().then(
    (state) => logger.info({ router: state }, "router warm-up finished"),
    (err: unknown) => logger.error({ err }, "router warm-up failed"),
  );
}
