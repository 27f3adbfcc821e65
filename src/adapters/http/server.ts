// The HTTP server: Bun.serve in front of the Elysia app. Each request gets a server span
// (continuing an incoming traceparent), a request id, a logger scope, metrics and an access
// log line, all around app.handle so that everything the handler does sees them.
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type TextMapGetter,
  type Tracer,
} from "@opentelemetry/api";
import { Elysia, type AnyElysia } from "elysia";
import { AppError, problemResponse, toLogObject, toProblem } from "../../../lib/xerrors/index.ts";
import { enterLogFields, log, withLogFields } from "../../../lib/xlog/index.ts";
import type { Metrics } from "../telemetry/metrics.ts";
import { routeOf } from "./route.ts";

const headerGetter: TextMapGetter<Headers> = {
  keys: (h) => [...h.keys()],
  get: (h, k) => h.get(k) ?? undefined,
};

/** Records the matched route template, for metrics and for every log line of the request. */
export function requestContext() {
  return new Elysia({ name: "request-context" }).onTransform({ as: "global" }, ({ request, route }) => {
    routeOf.set(request, route);
    enterLogFields({ route });
  });
}

export interface HandlerDeps {
  tracer: Tracer;
  metrics: Metrics;
  bodyLimit: number;
}

const QUIET_ROUTES = new Set(["/healthz", "/readyz", "/metrics"]);

export function createRequestHandler(app: AnyElysia, deps: HandlerDeps): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const method = request.method;
    const requestId = request.headers.get("x-request-id")?.slice(0, 128) || crypto.randomUUID();
    const parent = propagation.extract(ROOT_CONTEXT, request.headers, headerGetter);
    const span = deps.tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          "http.request.method": method,
          "url.path": url.pathname,
          "url.scheme": url.protocol.replace(":", ""),
          "user_agent.original": request.headers.get("user-agent") ?? "",
        },
      },
      parent,
    );
    const traceId = span.spanContext().traceFlags & 1 ? span.spanContext().traceId : undefined;
    const t0 = performance.now();
    deps.metrics.httpInFlight.inc();
    const response = await context.with(trace.setSpan(parent, span), () =>
      withLogFields({ requestId, method, path: url.pathname }, async () => {
        try {
          const declared = Number(request.headers.get("content-length") ?? 0);
          if (declared > deps.bodyLimit) {
            return problemResponse(
              toProblem(new AppError("payload_too_large", `The request body exceeds ${deps.bodyLimit} bytes.`), {
                instance: url.pathname,
                traceId,
              }),
            );
          }
          return await app.handle(request);
        } catch (err) {
          log().error({ err: toLogObject(err) }, "request failed outside the router");
          return problemResponse(toProblem(err, { instance: url.pathname, traceId }));
        }
      }),
    );
    deps.metrics.httpInFlight.dec();
    const seconds = (performance.now() - t0) / 1000;
    const route = routeOf.get(request);
    const status = String(response.status);
    deps.metrics.httpRequests.inc({ method, route, status });
    deps.metrics.httpDuration.observe({
      labels: { method, route, status },
      value: seconds,
      // A slow bucket links to a trace that fell in it (sampled requests only).
      // (prom-client types exemplar labels as the metric's own; any names are allowed.)
      ...(traceId ? { exemplarLabels: { trace_id: traceId } as never } : {}),
    });
    span.updateName(`${method} ${route}`);
    span.setAttributes({ "http.route": route, "http.response.status_code": response.status });
    if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    try {
      response.headers.set("x-request-id", requestId);
    } catch {
      // Some responses (e.g. from fetch) have immutable headers; the id is then only logged.
    }
    const entry = {
      requestId,
      method,
      route,
      path: url.pathname,
      status: response.status,
      ms: Math.round(seconds * 1e4) / 10,
      traceId,
    };
    // In the request span's context, so the access log carries trace_id and span_id like every
    // other line the request wrote.
    context.with(trace.setSpan(parent, span), () => {
      if (QUIET_ROUTES.has(url.pathname)) log().debug(entry, "request");
      else log().info(entry, "request");
    });
    return response;
  };
}

export interface ServerConfig {
  host: string;
  port: number;
  idleTimeoutMs: number;
  bodyLimit: number;
}

export function startHttpServer(cfg: ServerConfig, handler: (request: Request) => Promise<Response>) {
  return Bun.serve({
    hostname: cfg.host,
    port: cfg.port,
    idleTimeout: Math.min(255, Math.max(1, Math.round(cfg.idleTimeoutMs / 1000))),
    // Bun would answer bodies over this itself, with a bare 413; keep it far above bodyLimit so
    // the handler (declared Content-Length) and the body reader (chunked) answer with a problem.
    maxRequestBodySize: Math.max(cfg.bodyLimit * 16, 1 << 30),
    fetch: handler,
  });
}
