// The Elysia application: cross-cutting plugins first, then one plugin per resource.
import { Elysia, type AnyElysia } from "elysia";
import { problemErrors } from "./errors.ts";
import { healthRoutes, type HealthDeps } from "./health.ts";
import { openApiRoutes } from "./openapi.ts";
import { requestContext } from "./server.ts";
import { courseRoutes, type CourseRoutesDeps } from "./v1/courses.ts";

export interface HttpAppDeps extends HealthDeps {
  api: CourseRoutesDeps;
  version: string;
}

export function createHttpApp(deps: HttpAppDeps) {
  let app: AnyElysia;
  app = new Elysia({ name: "courses-http" })
    .use(requestContext())
    .use(problemErrors())
    .use(healthRoutes(deps))
    .use(openApiRoutes(() => app, { version: deps.version }))
    .use(courseRoutes(deps.api));
  return app;
}
