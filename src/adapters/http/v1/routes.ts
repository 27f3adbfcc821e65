// /v1/courses as a route table: each row names its method, path, access, inputs, documentation
// and the use case it runs. The pipeline (../pipeline.ts) authenticates, reads and validates;
// a handler here only calls its use case and shapes the answer.
import { Type as T, type TSchema } from "@sinclair/typebox";
import type { IdempotencyStore } from "../../../app/idempotency.ts";
import * as uc from "../../../app/courses.ts";
import type { Course } from "../../../domain/course/course.ts";
import type { CourseSort } from "../../../domain/course/repository.ts";
import type { Principal } from "../auth.ts";
import { IDEMPOTENCY_HEADER, idempotent } from "../idempotency.ts";
import { type Access, type BodySpec, type Method, type PipelineDeps, type Route, route } from "../pipeline.ts";
import { inputCheck } from "../validate.ts";
import { etagOf, expectedState, notModified } from "./conditional.ts";
import { toCourseChanges, toCourseDto, toNewCourse } from "./course-dto.ts";
import { CourseListQuery, MODELS, SPEC_ONLY } from "./models.ts";
import { operation } from "./openapi.ts";

export interface CourseRoutesDeps extends PipelineDeps {
  courses: uc.CourseDeps;
  idempotency: IdempotencyStore;
}

/** The named schemas a request's `$ref`s point at. */
const REFERENCES: TSchema[] = Object.entries(MODELS).map(([name, schema]) => ({
  ...schema,
  $id: `#/components/schemas/${name}`,
}));

/** A JSON request body of a v1 model. */
const body = <K extends keyof typeof MODELS>(model: K, mergePatch = false): BodySpec<(typeof MODELS)[K]> => ({
  model,
  check: inputCheck(MODELS[model], REFERENCES),
  mergePatch,
});

// Ids are UUIDs in the spec; any other text is looked up and not found (404), as before.
const Id = (description: string) => T.String({ description, [SPEC_ONLY]: { format: "uuid" } });
const IdParams = inputCheck(T.Object({ id: Id("Course id") }));
const LessonParams = inputCheck(T.Object({ id: Id("Course id"), lessonId: Id("Lesson id") }));
const SlugParams = inputCheck(T.Object({ slug: T.String({ description: "Course slug" }) }));
const ListQuery = inputCheck(CourseListQuery, REFERENCES);

const onCourse = (p: { id: string }) => ({ courseId: p.id });

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

/** 304 when the client's If-None-Match names the current ETag, else the course. */
function conditionalCourseResponse(course: Course, request: Request): Response {
  const { version, enrollmentCount } = course.view;
  if (notModified(request.headers.get("if-none-match"), version, enrollmentCount))
    return new Response(null, { status: 304, headers: { etag: etagOf(version, enrollmentCount) } });
  return courseResponse(course);
}

type Change = (d: uc.CourseDeps, id: string, expected: uc.Expected) => Promise<Course>;

export function courseRoutes(deps: CourseRoutesDeps): Route[] {
  const d = deps.courses;
  /** The use cases' deps for a change: its events record the caller as the actor. */
  const by = (principal?: Principal) => uc.actingAs(d, principal?.subject);
  const expected = (request: Request) => expectedState(request.headers.get("if-match"));

  /** A lifecycle action on one course: no body, If-Match honoured, the course back. */
  const action = (path: string, change: Change, doc: ReturnType<typeof operation>, access: Access = "write") =>
    route({
      method: "POST" as Method,
      path,
      access,
      params: IdParams,
      logFields: onCourse,
      doc,
      handle: async ({ params, request, principal }) =>
        courseResponse(await change(by(principal), params.id, expected(request))),
    });

  return [
    route({
      method: "POST",
      path: "/v1/courses",
      access: "write",
      body: body("CourseCreate"),
      doc: operation(
        "createCourse",
        "Create a draft course",
        { 201: "Course", errors: [400, 409, 413, 415] },
        { idempotent: true, location: true },
      ),
      handle: ({ body, request, principal }) =>
        idempotent(
          deps.idempotency,
          request.headers.get(IDEMPOTENCY_HEADER),
          { method: "POST", path: "/v1/courses", body, subject: principal?.subject },
          async (id) => created(await uc.createCourse(by(principal), { ...toNewCourse(body), ...(id ? { id } : {}) })),
          {
            newId: () => d.ids.next(),
            // The course a key reserved exists: its creation is what the request did.
            recover: async (id) => {
              const course = await d.courses.findById(id);
              return course ? created(course) : undefined;
            },
          },
        ),
    }),
    route({
      method: "GET",
      path: "/v1/courses",
      access: "read",
      query: ListQuery,
      doc: operation("listCourses", "List courses: filters, search, sort and cursor pagination", {
        200: "CourseList",
        errors: [400],
      }),
      handle: async ({ query }) => {
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
    }),
    route({
      method: "GET",
      path: "/v1/courses/by-slug/:slug",
      access: "read",
      params: SlugParams,
      doc: operation(
        "getCourseBySlug",
        "Get a course by its slug",
        { 200: "Course", errors: [404] },
        { conditionalGet: true },
      ),
      handle: async ({ params, request }) =>
        conditionalCourseResponse(await uc.getCourseBySlug(d, params.slug), request),
    }),
    route({
      method: "GET",
      path: "/v1/courses/:id",
      access: "read",
      params: IdParams,
      doc: operation("getCourse", "Get a course", { 200: "Course", errors: [404] }, { conditionalGet: true }),
      handle: async ({ params, request }) => conditionalCourseResponse(await uc.getCourse(d, params.id), request),
    }),
    route({
      method: "PATCH",
      path: "/v1/courses/:id",
      access: "write",
      params: IdParams,
      body: body("CoursePatch", true),
      logFields: onCourse,
      doc: operation(
        "updateCourse",
        "Change a course (JSON merge patch)",
        { 200: "Course", errors: [400, 404, 409, 412, 413, 415] },
        { ifMatch: true },
      ),
      handle: async ({ params, body, request, principal }) =>
        courseResponse(await uc.updateCourse(by(principal), params.id, toCourseChanges(body), expected(request))),
    }),
    route({
      method: "DELETE",
      path: "/v1/courses/:id",
      access: "admin",
      params: IdParams,
      logFields: onCourse,
      doc: operation(
        "deleteCourse",
        "Delete a draft or archived course",
        { 204: null, errors: [404, 409, 412] },
        { ifMatch: true },
      ),
      handle: async ({ params, request, principal }) => {
        await uc.deleteCourse(by(principal), params.id, expected(request));
        return new Response(null, { status: 204 });
      },
    }),
    action(
      "/v1/courses/:id/publish",
      uc.publishCourse,
      operation(
        "publishCourse",
        "Publish a draft (needs a summary, a description and a lesson)",
        { 200: "Course", errors: [400, 404, 409, 412] },
        { ifMatch: true },
      ),
    ),
    action(
      "/v1/courses/:id/archive",
      uc.archiveCourse,
      operation(
        "archiveCourse",
        "Archive a draft or published course",
        { 200: "Course", errors: [404, 409, 412] },
        { ifMatch: true },
      ),
    ),
    action(
      "/v1/courses/:id/unarchive",
      uc.unarchiveCourse,
      operation(
        "unarchiveCourse",
        "Bring an archived course back as a draft",
        { 200: "Course", errors: [404, 409, 412] },
        { ifMatch: true },
      ),
    ),
    route({
      method: "POST",
      path: "/v1/courses/:id/lessons",
      access: "write",
      params: IdParams,
      body: body("LessonCreate"),
      logFields: onCourse,
      doc: operation(
        "addLesson",
        "Add a lesson (at the end, or at `position`)",
        { 201: "Course", errors: [400, 404, 409, 412, 413, 415] },
        { ifMatch: true, location: true },
      ),
      handle: async ({ params, body, request, principal }) => {
        const { course, result } = await uc.addLesson(
          by(principal),
          params.id,
          { title: body.title, durationMinutes: body.durationMinutes },
          body.position,
          expected(request),
        );
        return courseResponse(course, 201, { location: `/v1/courses/${course.id}/lessons/${result.id}` });
      },
    }),
    route({
      method: "PATCH",
      path: "/v1/courses/:id/lessons/:lessonId",
      access: "write",
      params: LessonParams,
      body: body("LessonPatch", true),
      logFields: onCourse,
      doc: operation(
        "updateLesson",
        "Change a lesson's title or duration",
        { 200: "Course", errors: [400, 404, 409, 412, 413, 415] },
        { ifMatch: true },
      ),
      handle: async ({ params, body, request, principal }) => {
        const { course } = await uc.updateLesson(
          by(principal),
          params.id,
          params.lessonId,
          { title: body.title, durationMinutes: body.durationMinutes },
          expected(request),
        );
        return courseResponse(course);
      },
    }),
    route({
      method: "DELETE",
      path: "/v1/courses/:id/lessons/:lessonId",
      access: "write",
      params: LessonParams,
      logFields: onCourse,
      doc: operation("removeLesson", "Remove a lesson", { 200: "Course", errors: [404, 409, 412] }, { ifMatch: true }),
      handle: async ({ params, request, principal }) =>
        courseResponse(await uc.removeLesson(by(principal), params.id, params.lessonId, expected(request))),
    }),
    route({
      method: "PUT",
      path: "/v1/courses/:id/lessons/order",
      access: "write",
      params: IdParams,
      body: body("LessonOrder"),
      logFields: onCourse,
      doc: operation(
        "reorderLessons",
        "Put the lessons in a new order",
        { 200: "Course", errors: [400, 404, 409, 412, 413, 415] },
        { ifMatch: true },
      ),
      handle: async ({ params, body, request, principal }) =>
        courseResponse(await uc.reorderLessons(by(principal), params.id, body.lessonIds, expected(request))),
    }),
  ];
}
