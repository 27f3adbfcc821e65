// Liveness, readiness and metrics endpoints.
import { AppError, describe as describeError, problemResponse, toProblem } from "../../../lib/xerrors/index.ts";
import { log } from "../../../lib/xlog/index.ts";
import type { CheckResult } from "../../app/readiness.ts";
import { type Metrics, PROMETHEUS_TEXT_CONTENT_TYPE, prometheusText } from "../telemetry/metrics.ts";
import { currentTraceId } from "../telemetry/tracing.ts";
import { type Route, route } from "./pipeline.ts";
import { pathOf } from "./route.ts";

export interface HealthDeps {
  readiness: () => Promise<CheckResult[]>;
  metrics: Metrics;
  /** False: /metrics is served on a port of its own (http.metricsPort), not with the API. */
  metricsOnApiPort?: boolean;
  /** False once shutdown has begun: readyz then says so, so load balancers stop sending. */
  accepting: () => boolean;
}

const json = (value: unknown) =>
  new Response(JSON.stringify(value), { headers: { "content-type": "application/json" } });

/** /healthz, /readyz and (unless it has a port of its own) /metrics: public, not in the API's document. */
export function healthRoutes(deps: HealthDeps): Route[] {
  const routes = [
    route({ method: "GET", path: "/healthz", access: "public", handle: () => json({ status: "ok" }) }),
    route({
      method: "GET",
      path: "/readyz",
      access: "public",
      handle: async ({ request }) => {
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
        if (failing.length === 0) return json({ status: results.every((r) => r.ok) ? "ready" : "degraded", checks });
        const detail = `Not ready: ${failing.join(", ")} ${failing.length === 1 ? "is" : "are"} not available.`;
        const problem = toProblem(AppError.unavailable(detail), {
          instance: pathOf(request.url),
          traceId: currentTraceId(),
        });
        return problemResponse({ ...problem, checks });
      },
    }),
  ];
  // /metrics here unless it has a port of its own (then this port answers 404 for it).
  if (deps.metricsOnApiPort !== false)
    routes.push(
      route({
        method: "GET",
        path: "/metrics",
        access: "public",
        handle: ({ request }) => metricsResponse(deps.metrics, request),
      }),
    );
  return routes;
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
