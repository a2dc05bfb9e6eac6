/**
 * Next.js calls register() once per server process at startup. It also compiles
 * this file for the Edge runtime, so the Node-only start-up (ONNX Runtime, the
 * OpenTelemetry SDK) sits behind NEXT_RUNTIME, which the build replaces with a
 * constant: the Edge bundle never sees those imports.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServerProcess } = await import("./lib/observability/startup");
    await startServerProcess();
  }
}
