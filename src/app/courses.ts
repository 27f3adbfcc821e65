// Course use cases: each loads what it needs through the repository port, lets the aggregate
// apply its rules, and saves with optimistic concurrency.
import { AppError } from "../../lib/xerrors/index.ts";
import {
  Course,
  type Clock,
  type CourseChanges,
  type IdGenerator,
  type LessonInput,
  type NewCourse,
} from "../domain/course/course.ts";
import type { Actor, CoursePage, CoursePageRequest, CourseRepository } from "../domain/course/repository.ts";

export interface CourseDeps {
  courses: CourseRepository;
  clock: Clock;
  ids: IdGenerator;
  /**
   * Who makes the changes done through these deps (recorded with their events): the caller's
   * token subject, `scraper:<source>`, or undefined. Adapters bind it per request or per source
   * with `actingAs`; nothing reads it from ambient state.
   */
  actor?: Actor;
}

/** The same deps, for changes made by `actor`. */
export function actingAs(d: CourseDeps, actor: Actor): CourseDeps {
  return actor === d.actor ? d : { ...d, actor };
}

/**
 * The state a change requires (If-Match): the content's version and the enrollment count, both
 * as the client last saw them; `nothing` when the condition can match no state (a weak or
 * unknown validator: the reason says which); undefined means "whatever is current".
 */
export type Expected = { version: number; enrollmentCount: number } | { nothing: string } | undefined;
type Expect = Expected;

/** 412 unless the course was in the state the client expects. */
function checkExpected(seen: { version: number; enrollmentCount: number }, expected: Expected): void {
  if (expected === undefined) return;
  if ("nothing" in expected) throw AppError.preconditionFailed(expected.nothing);
  const { version, enrollmentCount } = seen;
  if (version !== expected.version)
    throw AppError.preconditionFailed(
      `The course is at version ${version}, not ${expected.version}; reload it and try again.`,
    );
  if (enrollmentCount !== expected.enrollmentCount)
    throw AppError.preconditionFailed(
      `The course's enrollment count changed since you read it (${expected.enrollmentCount} → ${enrollmentCount}); reload it and try again.`,
    );
}

/**
 * Applies `change` to the loaded course in the order RFC 9110 (13.2.2) asks of preconditions: a
 * target that does not exist (the course, or the lesson the change names) is a 404 whatever
 * If-Match says; then the precondition (412); then what the change itself refuses (400, 409).
 */
function changeIfExpected<T>(course: Course, expected: Expected, change: (c: Course) => T): T {
  const seen = { version: course.view.version, enrollmentCount: course.view.enrollmentCount };
  let result: T;
  try {
    result = change(course);
  } catch (e) {
    if (!(e instanceof AppError && e.kind === "not_found")) checkExpected(seen, expected);
    throw e;
  }
  checkExpected(seen, expected);
  return result;
}

const MAX_RETRIES = 3;

async function load(d: CourseDeps, id: string): Promise<Course> {
  const course = await d.courses.findById(id);
  if (!course) throw AppError.notFound(`No course with id ${id}.`);
  return course;
}

/**
 * Loads, checks the expected version, applies `change` and saves. Without an expected version a
 * concurrent save is retried on fresh data; with one, it is the client's precondition that failed.
 */
export async function mutate<T>(
  d: CourseDeps,
  id: string,
  expected: Expect,
  change: (c: Course) => T,
): Promise<{ course: Course; result: T }> {
  for (let attempt = 1; ; attempt++) {
    const course = await load(d, id);
    const result = changeIfExpected(course, expected, change);
    if (course.version === course.loadedVersion) return { course, result };
    try {
      await d.courses.save(course, d.actor);
      return { course, result };
    } catch (e) {
      const retry =
        expected === undefined && attempt < MAX_RETRIES && e instanceof AppError && e.kind === "precondition_failed";
      if (!retry) throw e;
    }
  }
}

export async function createCourse(d: CourseDeps, input: NewCourse): Promise<Course> {
  const course = Course.create(input, d.ids, d.clock);
  await d.courses.insert(course, d.actor);
  return course;
}

export const getCourse = (d: CourseDeps, id: string) => load(d, id);

export async function getCourseBySlug(d: CourseDeps, slug: string): Promise<Course> {
  const course = await d.courses.findBySlug(slug);
  if (!course) throw AppError.notFound(`No course with slug ${slug}.`);
  return course;
}

export const listCourses = (d: CourseDeps, req: CoursePageRequest): Promise<CoursePage> => d.courses.list(req);

export async function updateCourse(
  d: CourseDeps,
  id: string,
  changes: CourseChanges,
  expected: Expect,
): Promise<Course> {
  return (await mutate(d, id, expected, (c) => c.update(changes, d.clock))).course;
}

export async function publishCourse(d: CourseDeps, id: string, expected: Expect): Promise<Course> {
  return (await mutate(d, id, expected, (c) => c.publish(d.clock))).course;
}

export async function archiveCourse(d: CourseDeps, id: string, expected: Expect): Promise<Course> {
  return (await mutate(d, id, expected, (c) => c.archive(d.clock))).course;
}

export async function unarchiveCourse(d: CourseDeps, id: string, expected: Expect): Promise<Course> {
  return (await mutate(d, id, expected, (c) => c.unarchive(d.clock))).course;
}

export async function deleteCourse(d: CourseDeps, id: string, expected: Expect): Promise<void> {
  const course = await load(d, id);
  changeIfExpected(course, expected, (c) => c.delete(d.clock));
  await d.courses.delete(course, d.actor);
}

export async function addLesson(
  d: CourseDeps,
  id: string,
  input: LessonInput,
  position: number | undefined,
  expected: Expect,
) {
  return mutate(d, id, expected, (c) => c.addLesson(input, d.ids, d.clock, position));
}

export async function updateLesson(
  d: CourseDeps,
  id: string,
  lessonId: string,
  changes: Partial<LessonInput>,
  expected: Expect,
) {
  return mutate(d, id, expected, (c) => c.updateLesson(lessonId, changes, d.clock));
}

export async function removeLesson(d: CourseDeps, id: string, lessonId: string, expected: Expect): Promise<Course> {
  return (await mutate(d, id, expected, (c) => c.removeLesson(lessonId, d.clock))).course;
}

export async function reorderLessons(
  d: CourseDeps,
  id: string,
  lessonIds: string[],
  expected: Expect,
): Promise<Course> {
  return (await mutate(d, id, expected, (c) => c.reorderLessons(lessonIds, d.clock))).course;
}
