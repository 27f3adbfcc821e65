// The Elysia application: cross-cutting plugins first, then one plugin per resource.
import { Elysia } from "elysia";
import { problemErrors } from "./errors.ts";
import { healthRoutes, type HealthDeps } from "./health.ts";
import { requestContext } from "./server.ts";

export type HttpAppDeps = HealthDeps;

export function createHttpApp(deps: HttpAppDeps) {
  return new Elysia({ name: "courses-http" }).use(requestContext()).use(problemErrors()).use(healthRoutes(deps));
}
