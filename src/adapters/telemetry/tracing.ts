// OpenTelemetry tracing: spans exported over OTLP/HTTP (protobuf) in batches, context carried
// in AsyncLocalStorage, W3C traceparent propagation. Set up once by main.ts.
import { context, propagation, trace, type Tracer } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import type { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";

export const TRACER_NAME = "courses";

export interface TracingConfig {
  enabled: boolean;
  serviceName: string;
  serviceVersion: string;
  environment: string;
  otlpEndpoint: string;
  sampleRatio: number;
}

export interface Tracing {
  tracer: Tracer;
  /** Sends every finished span still buffered. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

type Exporter = Pick<OTLPTraceExporter, "export" | "shutdown" | "forceFlush">;

/**
 * The OTLP exporter, loaded when the first batch goes out: its protobuf code is a large share of
 * the service's start-up, and nothing is exported before the first batch anyway.
 */
function lazyExporter(load: () => Promise<Exporter>): Exporter {
  let exporter: Promise<Exporter> | undefined;
  const get = () => {
    exporter ??= load();
    return exporter;
  };
  return {
    export: (spans, done) => {
      get().then(
        (e) => e.export(spans, done),
        (error) => done({ code: 1, error }),
      );
    },
    shutdown: async () => (exporter ? (await exporter).shutdown() : undefined),
    forceFlush: async () => (exporter ? (await exporter).forceFlush() : undefined),
  };
}

export function initTracing(cfg: TracingConfig): Tracing {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  if (!cfg.enabled) {
    return { tracer: trace.getTracer(TRACER_NAME), flush: async () => {}, shutdown: async () => {} };
  }
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      "service.name": cfg.serviceName,
      "service.version": cfg.serviceVersion,
      "deployment.environment.name": cfg.environment,
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(cfg.sampleRatio) }),
    spanProcessors: [
      new BatchSpanProcessor(
        lazyExporter(
          async () =>
            new (await import("@opentelemetry/exporter-trace-otlp-proto")).OTLPTraceExporter({
              url: `${cfg.otlpEndpoint.replace(/\/$/, "")}/v1/traces`,
              timeoutMillis: 5000,
            }),
        ),
        {
          scheduledDelayMillis: 500,
          maxExportBatchSize: 512,
          maxQueueSize: 4096,
        },
      ),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  return {
    tracer: trace.getTracer(TRACER_NAME, cfg.serviceVersion),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** The current trace id, or undefined outside a sampled span. */
export function currentTraceId(): string | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && ctx.traceId !== "00000000000000000000000000000000" ? ctx.traceId : undefined;
}
