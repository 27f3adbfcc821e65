// The HTTP server: Bun.serve in front of the Elysia app. Each request gets a server span
// (continuing an incoming traceparent), a request id, a logger scope, metrics and an access
// log line, all around app.handle so that everything the handler does sees them.
import {
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type TextMapGetter,
  type Tracer,
} from "@opentelemetry/api";
import type { AnyElysia } from "elysia";
import { AppError, problemResponse, toLogObject, toProblem } from "../../../lib/xerrors/index.ts";
import { log, withLogFields } from "../../../lib/xlog/index.ts";
import type { Metrics } from "../telemetry/metrics.ts";
import { outages } from "./outage.ts";
import { pathOf, routeOf } from "./route.ts";

const headerGetter: TextMapGetter<Headers> = {
  keys: (h) => [...h.keys()],
  get: (h, k) => h.get(k) ?? undefined,
};

export interface HandlerDeps {
  tracer: Tracer;
  metrics: Metrics;
  bodyLimit: number;
  /** Longest a request may take; past it the client gets a 503 problem (the work may go on). */
  requestTimeoutMs?: number;
  /** Whether the API may serve (first migration attempt over), and when: /v1 waits, then 503 `starting`. */
  apiReady?: { done(): boolean; wait: Promise<unknown> };
  /** Origins allowed to call the API from a browser; empty: CORS off (no headers, no preflight). */
  corsOrigins?: string[];
}

const CORS_METHODS = "GET, POST, PATCH, PUT, DELETE, OPTIONS";
const CORS_HEADERS = "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id, traceparent";
const CORS_EXPOSE = "ETag, Location, Idempotent-Replayed, X-Request-Id, Retry-After";

/** Cache-Control that fits each route: probes and writes never cached, reads revalidated by ETag. */
function cacheControl(method: string, path: string): string {
  if (path === "/healthz" || path === "/readyz" || path === "/metrics") return "no-store";
  if (path === "/openapi.json" || path === "/docs" || path === "/docs/init.js") return "public, max-age=300";
  if (method === "GET" || method === "HEAD") return "no-cache";
  return "no-store";
}

function withHeaders(response: Response, request: Request, path: string, deps: HandlerDeps): Response {
  try {
    const h = response.headers;
    h.set("x-content-type-options", "nosniff");
    if (!h.has("cache-control")) h.set("cache-control", cacheControl(request.method, path));
    const origin = request.headers.get("origin");
    if (origin && deps.corsOrigins?.includes(origin)) {
      h.set("access-control-allow-origin", origin);
      h.set("access-control-expose-headers", CORS_EXPOSE);
      h.append("vary", "Origin");
    }
  } catch {
    // Immutable headers (a fetched Response): left as they are.
  }
  return response;
}

/** A CORS preflight from an allowed origin, answered without touching the router. */
function preflight(request: Request, deps: HandlerDeps): Response | undefined {
  const origin = request.headers.get("origin");
  if (request.method !== "OPTIONS" || !origin || !request.headers.has("access-control-request-method"))
    return undefined;
  if (!deps.corsOrigins?.includes(origin)) return undefined;
  return new Response(null, {
    status: 204,
    headers: {
      "access-control-allow-origin": origin,
      "access-control-allow-methods": CORS_METHODS,
      "access-control-allow-headers": CORS_HEADERS,
      "access-control-max-age": "600",
      vary: "Origin",
    },
  });
}

interface Deadline {
  at: number;
  expire: () => void;
}

/**
 * Every request's deadline on one timer: a sweep every 100 ms (or a quarter of the deadline)
 * while requests are in flight (a timer per request costs more: docs/PERFORMANCE.md, measured decisions).
 */
const deadlines = {
  pending: new Set<Deadline>(),
  timer: undefined as ReturnType<typeof setInterval> | undefined,
  track(ms: number, expire: () => void): () => void {
    const d = { at: performance.now() + ms, expire };
    this.pending.add(d);
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), Math.max(1, Math.min(100, ms / 4)));
      this.timer.unref?.();
    }
    return () => this.pending.delete(d);
  },
  sweep(): void {
    const now = performance.now();
    for (const d of this.pending)
      if (d.at <= now) {
        this.pending.delete(d);
        d.expire();
      }
    if (this.pending.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  },
};

/** A 503 problem with `code` and `Retry-After: 1`. */
function retryLater(message: string, code: string, instance: string, traceId?: string): Response {
  const r = problemResponse(toProblem(new AppError("unavailable", message, { code }), { instance, traceId }));
  r.headers.set("retry-after", "1");
  return r;
}

/** How long an API request waits for the start-up's migrations before a 503 `starting`. */
const API_START_WAIT_MS = 5000;

/**
 * Listening comes first (liveness, /readyz): an API request that arrives before the first
 * migration attempt is over waits for it (a few ms on a healthy start), at most 5 s.
 */
async function apiStarted(ready: NonNullable<HandlerDeps["apiReady"]>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    ready.wait,
    new Promise((resolve) => {
      timer = setTimeout(resolve, API_START_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
  return ready.done();
}

/** Resolves with a 503 problem once the deadline passes, unless `work` settles first. */
function withDeadline(
  work: Promise<Response>,
  ms: number | undefined,
  instance: string,
  traceId?: string,
): Promise<Response> {
  if (!ms) return work;
  return new Promise<Response>((resolve, reject) => {
    const cancel = deadlines.track(ms, () =>
      resolve(
        retryLater(
          `The request took longer than ${ms} ms and was abandoned; retry later.`,
          "request_timeout",
          instance,
          traceId,
        ),
      ),
    );
    work.then(
      (r) => {
        cancel();
        resolve(r);
      },
      (e) => {
        cancel();
        reject(e);
      },
    );
  });
}

const DECIMAL = /^\d+$/;

const QUIET_ROUTES = new Set(["/healthz", "/readyz", "/metrics"]);
const SERVER_SPAN = { kind: SpanKind.SERVER };

export function createRequestHandler(app: AnyElysia, deps: HandlerDeps): (request: Request) => Promise<Response> {
  return async (request) => {
    const path = pathOf(request.url);
    const method = request.method;
    const requestId = request.headers.get("x-request-id")?.slice(0, 128) || crypto.randomUUID();
    // Probes and /metrics are never traced, whatever the sampling and the caller's traceparent:
    // a non-recording span, no propagation work, nothing exported.
    const quiet = QUIET_ROUTES.has(path);
    const parent = quiet ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, request.headers, headerGetter);
    const span = quiet
      ? trace.wrapSpanContext(INVALID_SPAN_CONTEXT)
      : deps.tracer.startSpan(method, SERVER_SPAN, parent);
    // Attributes only for a span that records (tracing on and sampled); the sampler needs none.
    if (span.isRecording())
      span.setAttributes({
        "http.request.method": method,
        "url.path": path,
        "url.scheme": request.url.slice(0, request.url.indexOf(":")),
        "user_agent.original": request.headers.get("user-agent") ?? "",
      });
    const spanContext = trace.setSpan(parent, span);
    const traceId = span.spanContext().traceFlags & 1 ? span.spanContext().traceId : undefined;
    const t0 = performance.now();
    const api = path.startsWith("/v1/");
    deps.metrics.httpInFlight.inc();
    const response = await context.with(spanContext, () =>
      withLogFields({ requestId, method, path }, async () => {
        try {
          const length = request.headers.get("content-length");
          // One decimal number or nothing: Bun joins repeated headers ("N, N"), and a length that
          // cannot be read cannot bound a read. The body is counted as it streams anyway.
          if (length !== null && !DECIMAL.test(length)) {
            return problemResponse(
              toProblem(AppError.invalidArgument("The Content-Length header must be one decimal number."), {
                instance: path,
                traceId,
              }),
            );
          }
          if (length !== null && Number(length) > deps.bodyLimit) {
            return problemResponse(
              toProblem(new AppError("payload_too_large", `The request body exceeds ${deps.bodyLimit} bytes.`), {
                instance: path,
                traceId,
              }),
            );
          }
          const pre = preflight(request, deps);
          if (pre) return pre;
          // Checked without an await once started: the hot path pays one call.
          if (deps.apiReady?.done() === false && api && !(await apiStarted(deps.apiReady))) {
            return retryLater("The service is starting (store migrations); retry shortly.", "starting", path, traceId);
          }
          // Probes, /metrics and the docs answer from memory: no deadline, no actor.
          if (!api) return await app.handle(request);
          return await withDeadline(app.handle(request), deps.requestTimeoutMs, path, traceId);
        } catch (err) {
          log().error({ err: toLogObject(err) }, "request failed outside the router");
          return problemResponse(toProblem(err, { instance: path, traceId }));
        }
      }),
    );
    deps.metrics.httpInFlight.dec();
    // A successful API request reached its store: an outage in progress is over.
    if (api && response.status < 300) outages.succeeded();
    withHeaders(response, request, path, deps);
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
    if (span.isRecording()) {
      span.updateName(`${method} ${route}`);
      span.setAttributes({ "http.route": route, "http.response.status_code": response.status });
      if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    try {
      response.headers.set("x-request-id", requestId);
    } catch {
      // Some responses (e.g. from fetch) have immutable headers; the id is then only logged.
    }
    const entry = {
      requestId,
      method,
      route,
      path,
      status: response.status,
      ms: Math.round(seconds * 1e4) / 10,
      traceId,
    };
    // In the request span's context, so the access log carries trace_id and span_id like every
    // other line the request wrote.
    context.with(spanContext, () => {
      if (quiet) log().debug(entry, "request");
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

const HEALTHZ_BODY = JSON.stringify({ status: "ok" });
const HEALTHZ_HEADERS = {
  "content-type": "application/json",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

/**
 * GET (and HEAD) /healthz answered by Bun's router, before the request handler: liveness is the
 * one request an orchestrator sends every few seconds to every instance, and it needs nothing the
 * handler does (no span, no request id, no access log, no router). It is counted in
 * http_requests_total like any request: a plain integer here, added to the counter when /metrics
 * is read (a prom-client inc per probe costs more: docs/PERFORMANCE.md, measured decisions).
 * Other methods on /healthz go to the handler (405).
 */
export function livenessRoute(metrics: Metrics): Record<"/healthz", { GET: () => Response }> {
  const count = metrics.liveness;
  return {
    "/healthz": {
      GET: () => {
        count.answered++;
        return new Response(HEALTHZ_BODY, { headers: HEALTHZ_HEADERS });
      },
    },
  };
}

export function startHttpServer(
  cfg: ServerConfig,
  handler: (request: Request) => Promise<Response>,
  routes: ReturnType<typeof livenessRoute> | Record<string, never> = {},
) {
  return Bun.serve({
    hostname: cfg.host,
    port: cfg.port,
    routes,
    idleTimeout: Math.min(255, Math.max(1, Math.round(cfg.idleTimeoutMs / 1000))),
    // Bun would answer bodies over this itself, with a bare 413; keep it far above bodyLimit so
    // the handler (declared Content-Length) and the body reader (chunked) answer with a problem.
    maxRequestBodySize: Math.max(cfg.bodyLimit * 16, 1 << 30),
    fetch: handler,
  });
}
