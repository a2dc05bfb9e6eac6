import { type Attributes, type Span, SpanStatusCode, trace } from "@opentelemetry/api";

/**
 * Spans go through the global OpenTelemetry API. Until instrumentation.ts
 * registers an SDK (only when an OTLP endpoint is configured) the API hands out
 * no-op spans, so tracing costs next to nothing and never touches the network.
 */
const tracer = trace.getTracer("switchboard");

/** Marks a span failed with the error that ended it. */
export function failSpan(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** Runs `fn` inside an active span that ends when `fn` settles, marked failed if it throws. */
export function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      failSpan(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** A span whose end the caller owns, for work that outlives the call that started it (a stream). */
export function startSpan(name: string, attributes: Attributes): Span {
  return tracer.startSpan(name, { attributes });
}
