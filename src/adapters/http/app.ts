// The HTTP application: the route tables (probes; the API and its docs) behind one router.
import type { AnyElysia } from "elysia";
import { healthRoutes, type HealthDeps } from "./health.ts";
import { openApiRoutes } from "./openapi.ts";
import { type Route, router } from "./pipeline.ts";
import { courseRoutes, type CourseRoutesDeps } from "./v1/routes.ts";

export interface HttpAppDeps extends HealthDeps {
  /** The course API and its docs; absent in a worker-only process, which serves health and metrics only. */
  api?: CourseRoutesDeps;
  version: string;
}

/** Every route this process serves. */
export function httpRoutes(deps: HttpAppDeps): Route[] {
  if (!deps.api) return healthRoutes(deps);
  const api = courseRoutes(deps.api);
  return [...healthRoutes(deps), ...openApiRoutes(() => api, { version: deps.version }), ...api];
}

export function createHttpApp(deps: HttpAppDeps): AnyElysia {
  return router(httpRoutes(deps), deps.api ?? { bodyLimit: 0 }).app;
}
