import { describe as group, expect, it } from "bun:test";
import {
  AppError,
  PROBLEM_CONTENT_TYPE,
  chain,
  describe,
  hasKind,
  isServerFault,
  kindOf,
  problemResponse,
  toLogObject,
  toProblem,
  wrap,
} from "./index.ts";

group("AppError and wrapping", () => {
  it("keeps the kind of the nearest AppError through wraps", () => {
    const err = wrap(wrap(AppError.notFound("course not found"), "load course", { courseId: "c1" }), "publish");
    expect(kindOf(err)).toBe("not_found");
    expect(hasKind(err, "not_found")).toBe(true);
    expect(hasKind(err, "conflict")).toBe(false);
  });

  it("treats errors without an AppError as internal", () => {
    expect(kindOf(new Error("boom"))).toBe("internal");
    expect(kindOf("a string")).toBe("internal");
    expect(isServerFault(new TypeError("x"))).toBe(true);
    expect(isServerFault(AppError.conflict("taken"))).toBe(false);
  });

  it("describes the whole chain outermost first, with merged context", () => {
    const root = new Error("connection refused 10.0.0.7:27017");
    const err = wrap(wrap(root, "find course", { courseId: "c1" }), "get course", { route: "/v1/courses/:id" });
    expect(chain(err)).toHaveLength(3);
    expect(describe(err)).toBe("get course: find course: connection refused 10.0.0.7:27017");
    const logged = toLogObject(err);
    expect(logged.kind).toBe("internal");
    expect(logged.context).toEqual({ courseId: "c1", route: "/v1/courses/:id" });
    expect(String(logged.stack)).toContain("connection refused");
  });

  it("survives a cause cycle", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(chain(b)).toHaveLength(2);
  });
});

group("problem+json", () => {
  it("maps kinds to RFC 9457 documents with field errors", () => {
    const err = AppError.invalidArgument("the body is invalid", [{ field: "/title", message: "must not be empty" }]);
    const p = toProblem(err, { instance: "/v1/courses", traceId: "abc" });
    expect(p).toEqual({
      type: "/problems/invalid-argument",
      title: "Invalid argument",
      status: 400,
      detail: "the body is invalid",
      instance: "/v1/courses",
      traceId: "abc",
      errors: [{ field: "/title", message: "must not be empty" }],
    });
  });

  it("maps each kind to its status", () => {
    expect(toProblem(AppError.notFound("x")).status).toBe(404);
    expect(toProblem(AppError.conflict("x")).status).toBe(409);
    expect(toProblem(AppError.preconditionFailed("x")).status).toBe(412);
    expect(toProblem(AppError.unauthenticated("x")).status).toBe(401);
    expect(toProblem(AppError.permissionDenied("x")).status).toBe(403);
    expect(toProblem(AppError.tooManyRequests("x")).status).toBe(429);
    expect(toProblem(AppError.unavailable("x")).status).toBe(503);
  });

  it("hides everything about an unexpected error", () => {
    const secretish = new Error("MongoServerError: auth failed for user admin at db-primary.internal:27017");
    const p = toProblem(wrap(secretish, "save course"), { traceId: "t1" });
    expect(p.status).toBe(500);
    const body = JSON.stringify(p);
    for (const leak of ["Mongo", "admin", "db-primary", "27017", "save course", "at "]) {
      expect(body).not.toContain(leak);
    }
    expect(p.traceId).toBe("t1");
  });

  it("does not forward the message of an explicit internal AppError either", () => {
    const p = toProblem(AppError.internal("pool exhausted on host x", { fields: [{ field: "/a", message: "b" }] }));
    expect(p.detail).not.toContain("pool");
    expect(p.errors).toBeUndefined();
  });

  it("builds a Response with the problem content type", async () => {
    const res = problemResponse(toProblem(AppError.notFound("no such course")));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(((await res.json()) as { detail: string }).detail).toBe("no such course");
  });
});
