// Liveness, readiness and metrics endpoints.
import { Elysia } from "elysia";
import { AppError, describe as describeError, problemResponse, toProblem } from "../../../lib/xerrors/index.ts";
import { log } from "../../../lib/xlog/index.ts";
import type { CheckResult } from "../../app/readiness.ts";
import { type Metrics, PROMETHEUS_TEXT_CONTENT_TYPE, prometheusText } from "../telemetry/metrics.ts";
import { currentTraceId } from "../telemetry/tracing.ts";
import { pathOf } from "./route.ts";

export interface HealthDeps {
  readiness: () => Promise<CheckResult[]>;
  metrics: Metrics;
  /** False: /metrics is served on a port of its own (http.metricsPort), not with the API. */
  metricsOnApiPort?: boolean;
  /** False once shutdown has begun: readyz then says so, so load balancers stop sending. */
  accepting: () => boolean;
}

export function healthRoutes(deps: HealthDeps) {
  const routes = new Elysia({ name: "health" })
    .get("/healthz", () => ({ status: "ok" }), { detail: { hide: true } })
    .get(
      "/readyz",
      async ({ request }) => {
        const results = await deps.readiness();
        for (const r of results) {
          deps.metrics.readinessChecks.observe({ dependency: r.name, outcome: r.ok ? "ok" : "failed" }, r.ms / 1000);
          deps.metrics.dependencyUp.set({ dependency: r.name }, r.ok ? 1 : 0);
        }
        const checks = Object.fromEntries(results.map((r) => [r.name, r.ok ? "ok" : "failed"]));
        for (const r of results.filter((x) => !x.ok))
          log().warn(
            { dependency: r.name, required: r.required, error: describeError(r.error) },
            "dependency not available",
          );
        const failing = results.filter((r) => !r.ok && r.required).map((r) => r.name);
        if (!deps.accepting()) failing.push("shutting-down");
        // An optional dependency down (Kafka behind the outbox) leaves the instance ready, and says so.
        if (failing.length === 0) return { status: results.every((r) => r.ok) ? "ready" : "degraded", checks };
        const detail = `Not ready: ${failing.join(", ")} ${failing.length === 1 ? "is" : "are"} not available.`;
        const problem = toProblem(AppError.unavailable(detail), {
          instance: pathOf(request.url),
          traceId: currentTraceId(),
        });
        return problemResponse({ ...problem, checks });
      },
      { detail: { hide: true } },
    );
  // /metrics here unless it has a port of its own (then this port answers 404 for it).
  return deps.metricsOnApiPort === false
    ? routes
    : routes.get("/metrics", ({ request }) => metricsResponse(deps.metrics, request), { detail: { hide: true } });
}

/** OpenMetrics (with exemplars) for scrapers that ask for it, Prometheus text otherwise. */
export async function metricsResponse(metrics: Metrics, request: Request): Promise<Response> {
  const body = await metrics.registry.metrics();
  return (request.headers.get("accept") ?? "").includes("application/openmetrics-text")
    ? new Response(body, { headers: { "content-type": metrics.registry.contentType, "cache-control": "no-store" } })
    : new Response(prometheusText(body), {
        headers: { "content-type": PROMETHEUS_TEXT_CONTENT_TYPE, "cache-control": "no-store" },
      });
}
