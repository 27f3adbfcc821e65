// /v1/courses: each handler parses, calls one use case and converts the result.
import { bodyCheck, validBody } from "./validate.ts";
import { type Authenticator, principalOf, requiredScope, requireScope } from "../auth.ts";
import { parseJsonBody } from "../json-body.ts";
import { pathOf } from "../route.ts";
import { Type as T } from "@sinclair/typebox";
import { Elysia } from "elysia";
import { AppError } from "../../../../lib/xerrors/index.ts";
import { withLogFields } from "../../../../lib/xlog/index.ts";
import type { IdempotencyStore } from "../../../app/idempotency.ts";
import * as uc from "../../../app/courses.ts";
import type { Course } from "../../../domain/course/course.ts";
import type { CourseSort } from "../../../domain/course/repository.ts";
import { IDEMPOTENCY_HEADER, idempotent } from "../idempotency.ts";
import { etagOf, expectedState, notModified } from "./conditional.ts";
import { toCourseChanges, toCourseDto, toNewCourse } from "./course-dto.ts";
import { CourseListQuery, MODELS } from "./models.ts";
import { operation } from "./openapi.ts";

/**
 * `/lessons/order` answers PUT only; the lesson routes' `:lessonId` would otherwise take "order" for
 * a lesson id and answer PATCH or DELETE there with a 400 or 404 instead of 405.
 */
function notTheOrder(lessonId: string, method: string, pathname: string): void {
  if (lessonId === "order")
    throw new AppError("method_not_allowed", `${method} is not allowed on ${pathname}; use PUT.`, {
      context: { allow: "PUT" },
    });
}

export interface CourseRoutesDeps {
  courses: uc.CourseDeps;
  idempotency: IdempotencyStore;
  bodyLimit: number;
  /** Bearer JWT checks; absent: the API is open (auth.enabled false, e.g. behind a gateway that checks). */
  auth?: { authenticate: Authenticator; requireForReads: boolean };
}

const JSON_TYPES = new Set(["application/json", "application/merge-patch+json"]);
const IdParams = T.Object({ id: T.String({ description: "Course id" }) });
const LessonParams = T.Object({
  id: T.String({ description: "Course id" }),
  lessonId: T.String({ description: "Lesson id" }),
});
const SlugParams = T.Object({ slug: T.String({ description: "Course slug" }) });

/** A course as JSON with its ETag. */
function courseResponse(course: Course, status = 200, extra: Record<string, string> = {}): Response {
  // A view, not a snapshot: the DTO is a copy already.
  const view = course.view;
  return new Response(JSON.stringify(toCourseDto(view)), {
    status,
    headers: { "content-type": "application/json", etag: etagOf(view.version, view.enrollmentCount), ...extra },
  });
}

/** The answer to a create: 201 with the course and its Location. */
const created = (course: Course) => courseResponse(course, 201, { location: `/v1/courses/${course.id}` });

/**
 * Reads the body but never more than `limit` bytes, whatever the headers say: the bytes are
 * counted as they stream, and the first one past the limit ends the read with a 413 problem.
 * A Content-Length that is one decimal number within the limit (checked before routing,
 * server.ts) frames the body exactly (Bun reads no more than it), so it is read in one go; any
 * other body (chunked, or with a Transfer-Encoding beside a length) streams through the counter.
 */
export async function readBodyWithin(request: Request, limit: number): Promise<Uint8Array> {
  const h = request.headers;
  if (h.has("content-length") && !h.has("transfer-encoding")) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > limit) throw tooLarge(limit);
    return bytes;
  }
  const reader = request.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const tooLarge = (limit: number) => new AppError("payload_too_large", `The request body exceeds ${limit} bytes.`);

/** 304 when the client's If-None-Match names the current ETag, else the course. */
function conditionalCourseResponse(course: Course, request: Request): Response {
  const { version, enrollmentCount } = course.view;
  if (notModified(request.headers.get("if-none-match"), version, enrollmentCount))
    return new Response(null, { status: 304, headers: { etag: etagOf(version, enrollmentCount) } });
  return courseResponse(course);
}

/** The request bodies' checks, compiled once. */
const CHECKS = {
  create: bodyCheck("CourseCreate"),
  patch: bodyCheck("CoursePatch"),
  lessonCreate: bodyCheck("LessonCreate"),
  lessonPatch: bodyCheck("LessonPatch"),
  lessonOrder: bodyCheck("LessonOrder"),
};

/** Operations that take no request body. */
const BODYLESS_ACTION = /\/(?:publish|archive|unarchive)$/;

/**
 * A token with the operation's scope (auth.ts); once per request (the parse step runs it for
 * requests with a body, before reading it; the before-handle step for the others).
 */
async function authorize(deps: CourseRoutesDeps, request: Request, route: string): Promise<void> {
  if (!deps.auth || principalOf.has(request)) return;
  const scope = requiredScope(request.method, route, deps.auth.requireForReads);
  if (scope === undefined) return;
  const principal = await deps.auth.authenticate(request.headers.get("authorization"));
  requireScope(principal, scope);
  principalOf.set(request, principal);
}

export function courseRoutes(deps: CourseRoutesDeps) {
  const d = deps.courses;
  /** The use cases' deps for this request's changes: their events record the caller as the actor. */
  const by = (request: Request) => uc.actingAs(d, principalOf.get(request)?.subject);
  return (
    // normalize off: a member the schema does not declare is a 400 naming it, never silently dropped
    // (and Elysia builds no exact-mirror cleaners, whose failures it dumped on stderr).
    new Elysia({ name: "courses-v1", prefix: "/v1/courses", normalize: false })
      .model(MODELS)
      // Who may do what first, then the body: an anonymous or under-scoped caller gets its
      // 401/403 before a byte of the body is read (GETs have no parse step: checked below).
      .onParse({ as: "local" }, async ({ request, route, contentType }) => {
        await authorize(deps, request, route);
        if (request.body === null || request.headers.get("content-length") === "0") {
          // Actions such as publish and delete carry no body; every other write needs one (even
          // a PATCH that changes nothing says so with `{}`).
          if (request.method === "DELETE" || BODYLESS_ACTION.test(pathOf(request.url))) return {};
          throw AppError.invalidArgument("The request needs a JSON body.", [{ field: "/", message: "is required" }]);
        }
        const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
        if (!JSON_TYPES.has(type))
          throw new AppError(
            "unsupported_media_type",
            "Send the body as application/json (or application/merge-patch+json for PATCH).",
          );
        return parseJsonBody(await readBodyWithin(request, deps.bodyLimit));
      })
      .onBeforeHandle({ as: "local" }, ({ request, route }) => authorize(deps, request, route))
      // Query strings are text: turn numbers into numbers before validation.
      .onTransform({ as: "local" }, ({ query }) => {
        if (query && typeof query.limit === "string" && /^\d+$/.test(query.limit))
          (query as Record<string, unknown>).limit = Number(query.limit);
      })
      .post(
        "",
        ({ body: raw, request }) => {
          const body = validBody(CHECKS.create, raw);
          return idempotent(
            deps.idempotency,
            request.headers.get(IDEMPOTENCY_HEADER),
            { method: "POST", path: "/v1/courses", body, subject: principalOf.get(request)?.subject },
            async (id) => created(await uc.createCourse(by(request), { ...toNewCourse(body), ...(id ? { id } : {}) })),
            {
              newId: () => d.ids.next(),
              // The course a key reserved exists: its creation is what the request did.
              recover: async (id) => {
                const course = await d.courses.findById(id);
                return course ? created(course) : undefined;
              },
            },
          );
        },
        {
          detail: operation(
            "createCourse",
            "Create a draft course",
            { 201: "Course", errors: [400, 409, 413, 415] },
            { idempotent: true, location: true, body: "CourseCreate" },
          ),
        },
      )
      .get(
        "",
        async ({ query }) => {
          const page = await uc.listCourses(d, {
            filter: {
              status: query.status,
              tag: query.tag,
              level: query.level,
              language: query.language,
              instructorId: query.instructorId,
              source: query.source,
              q: query.q,
            },
            sort: query.sort as CourseSort | undefined,
            limit: query.limit ?? 20,
            cursor: query.cursor,
          });
          return new Response(
            JSON.stringify({ items: page.items.map((s) => toCourseDto(s)), nextCursor: page.nextCursor }),
            { headers: { "content-type": "application/json" } },
          );
        },
        {
          query: CourseListQuery,
          detail: operation("listCourses", "List courses: filters, search, sort and cursor pagination", {
            200: "CourseList",
            errors: [400],
          }),
        },
      )
      .get(
        "/by-slug/:slug",
        async ({ params, request }) => conditionalCourseResponse(await uc.getCourseBySlug(d, params.slug), request),
        {
          params: SlugParams,
          detail: operation(
            "getCourseBySlug",
            "Get a course by its slug",
            { 200: "Course", errors: [404] },
            { conditionalGet: true },
          ),
        },
      )
      .get(
        "/:id",
        async ({ params, request }) => conditionalCourseResponse(await uc.getCourse(d, params.id), request),
        {
          params: IdParams,
          detail: operation("getCourse", "Get a course", { 200: "Course", errors: [404] }, { conditionalGet: true }),
        },
      )
      .patch(
        "/:id",
        ({ params, body, request }) =>
          withLogFields({ courseId: params.id }, async () => {
            const course = await uc.updateCourse(
              by(request),
              params.id,
              toCourseChanges(validBody(CHECKS.patch, body)),
              expectedState(request.headers.get("if-match")),
            );
            return courseResponse(course);
          }),
        {
          params: IdParams,
          detail: operation(
            "updateCourse",
            "Change a course (JSON merge patch)",
            { 200: "Course", errors: [400, 404, 409, 412, 413, 415] },
            { ifMatch: true, mergePatch: true, body: "CoursePatch" },
          ),
        },
      )
      .delete(
        "/:id",
        ({ params, request }) =>
          withLogFields({ courseId: params.id }, async () => {
            await uc.deleteCourse(by(request), params.id, expectedState(request.headers.get("if-match")));
            return new Response(null, { status: 204 });
          }),
        {
          params: IdParams,
          detail: operation(
            "deleteCourse",
            "Delete a draft or archived course",
            { 204: null, errors: [404, 409, 412] },
            { ifMatch: true },
          ),
        },
      )
      .post(
        "/:id/publish",
        ({ params, request }) =>
          withLogFields({ courseId: params.id }, async () =>
            courseResponse(
              await uc.publishCourse(by(request), params.id, expectedState(request.headers.get("if-match"))),
            ),
          ),
        {
          params: IdParams,
          detail: operation(
            "publishCourse",
            "Publish a draft (needs a summary, a description and a lesson)",
            { 200: "Course", errors: [400, 404, 409, 412] },
            { ifMatch: true, noBody: true },
          ),
        },
      )
      .post(
        "/:id/archive",
        ({ params, request }) =>
          withLogFields({ courseId: params.id }, async () =>
            courseResponse(
              await uc.archiveCourse(by(request), params.id, expectedState(request.headers.get("if-match"))),
            ),
          ),
        {
          params: IdParams,
          detail: operation(
            "archiveCourse",
            "Archive a draft or published course",
            { 200: "Course", errors: [404, 409, 412] },
            { ifMatch: true, noBody: true },
          ),
        },
      )
      .post(
        "/:id/unarchive",
        ({ params, request }) =>
          withLogFields({ courseId: params.id }, async () =>
            courseResponse(
              await uc.unarchiveCourse(by(request), params.id, expectedState(request.headers.get("if-match"))),
            ),
          ),
        {
          params: IdParams,
          detail: operation(
            "unarchiveCourse",
            "Bring an archived course back as a draft",
            { 200: "Course", errors: [404, 409, 412] },
            { ifMatch: true, noBody: true },
          ),
        },
      )
      .post(
        "/:id/lessons",
        ({ params, body, request }) =>
          withLogFields({ courseId: params.id }, async () => {
            const input = validBody(CHECKS.lessonCreate, body);
            const { course, result } = await uc.addLesson(
              by(request),
              params.id,
              { title: input.title, durationMinutes: input.durationMinutes },
              input.position,
              expectedState(request.headers.get("if-match")),
            );
            return courseResponse(course, 201, { location: `/v1/courses/${course.id}/lessons/${result.id}` });
          }),
        {
          params: IdParams,
          detail: operation(
            "addLesson",
            "Add a lesson (at the end, or at `position`)",
            { 201: "Course", errors: [400, 404, 409, 412, 413, 415] },
            { ifMatch: true, location: true, body: "LessonCreate" },
          ),
        },
      )
      .patch(
        "/:id/lessons/:lessonId",
        ({ params, body, request }) =>
          withLogFields({ courseId: params.id }, async () => {
            notTheOrder(params.lessonId, request.method, pathOf(request.url));
            const input = validBody(CHECKS.lessonPatch, body);
            const { course } = await uc.updateLesson(
              by(request),
              params.id,
              params.lessonId,
              { title: input.title, durationMinutes: input.durationMinutes },
              expectedState(request.headers.get("if-match")),
            );
            return courseResponse(course);
          }),
        {
          params: LessonParams,
          detail: operation(
            "updateLesson",
            "Change a lesson's title or duration",
            { 200: "Course", errors: [400, 404, 409, 412, 413, 415] },
            { ifMatch: true, mergePatch: true, body: "LessonPatch" },
          ),
        },
      )
      .delete(
        "/:id/lessons/:lessonId",
        ({ params, request }) =>
          withLogFields({ courseId: params.id }, async () => {
            notTheOrder(params.lessonId, request.method, pathOf(request.url));
            return courseResponse(
              await uc.removeLesson(
                by(request),
                params.id,
                params.lessonId,
                expectedState(request.headers.get("if-match")),
              ),
            );
          }),
        {
          params: LessonParams,
          detail: operation(
            "removeLesson",
            "Remove a lesson",
            { 200: "Course", errors: [404, 409, 412] },
            { ifMatch: true },
          ),
        },
      )
      .put(
        "/:id/lessons/order",
        ({ params, body, request }) =>
          withLogFields({ courseId: params.id }, async () =>
            courseResponse(
              await uc.reorderLessons(
                by(request),
                params.id,
                validBody(CHECKS.lessonOrder, body).lessonIds,
                expectedState(request.headers.get("if-match")),
              ),
            ),
          ),
        {
          params: IdParams,
          detail: operation(
            "reorderLessons",
            "Put the lessons in a new order",
            { 200: "Course", errors: [400, 404, 409, 412, 413, 415] },
            { ifMatch: true, body: "LessonOrder" },
          ),
        },
      )
  );
}
