// The Elysia application: cross-cutting plugins first, then one plugin per resource.
import { Elysia, type AnyElysia } from "elysia";
import { problemErrors } from "./errors.ts";
import { healthRoutes, type HealthDeps } from "./health.ts";
import { openApiRoutes } from "./openapi.ts";
import { requestContext } from "./server.ts";
import { courseRoutes, type CourseRoutesDeps } from "./v1/courses.ts";

export interface HttpAppDeps extends HealthDeps {
  /** The course API and its docs; absent in a worker-only process, which serves health and metrics only. */
  api?: CourseRoutesDeps;
  version: string;
}

export function createHttpApp(deps: HttpAppDeps) {
  let app: AnyElysia;
  // standardHostname off: Elysia otherwise finds the path by searching from the 11th character, which
  // misroutes a request whose Host is shorter than 4 characters ("Host: x" → path "/courses").
  // The server speaks plain HTTP (TLS ends at the ingress), so the path starts after "http://".
  const base = new Elysia({ name: "courses-http", normalize: false, handler: { standardHostname: false } })
    .use(requestContext())
    .use(problemErrors(() => app.routes))
    .use(healthRoutes(deps));
  app = deps.api ? base.use(openApiRoutes(() => app, { version: deps.version })).use(courseRoutes(deps.api)) : base;
  return app;
}
