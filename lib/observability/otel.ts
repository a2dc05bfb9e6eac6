import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

let provider: NodeTracerProvider | null = null;

/**
 * Registers the OpenTelemetry Node tracer provider, exporting spans over
 * OTLP/HTTP to `${endpoint}/v1/traces` (the OTLP spec's path under the base
 * endpoint). Imported only when an endpoint is configured, so a deployment
 * without a collector loads none of this and sends nothing.
 */
export function startTracing({ endpoint, serviceName }: { endpoint: string; serviceName: string }): void {
  if (provider) return;
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, "")}/v1/traces` });
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
}

/** Exports the spans buffered so far; the provider stays up for requests still draining. */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}
