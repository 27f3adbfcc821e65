// An in-memory CourseRepository behind the domain's port, for unit tests of use cases and
// HTTP handlers. It keeps the port's contract (optimistic versions, unique slugs); the real
// adapter is tested against the real store in test/integration.
import { AppError } from "../../lib/xerrors/index.ts";
import { Course, type CourseState } from "../../src/domain/course/course.ts";
import type { CoursePage, CoursePageRequest, CourseRepository } from "../../src/domain/course/repository.ts";

export class InMemoryCourseRepository implements CourseRepository {
  readonly rows = new Map<string, CourseState>();
  /** Called before every save, to simulate a concurrent writer. */
  beforeSave?: (course: Course) => void;

  async insert(course: Course): Promise<void> {
    const s = course.snapshot;
    if ([...this.rows.values()].some((r) => r.slug === s.slug))
      throw AppError.conflict(`The slug '${s.slug}' is already taken by another course.`);
    this.rows.set(s.id, s);
    course.markPersisted();
  }

  async save(course: Course): Promise<void> {
    this.beforeSave?.(course);
    const current = this.rows.get(course.id);
    if (!current) throw AppError.notFound(`No course with id ${course.id}.`);
    if (current.version !== course.loadedVersion)
      throw AppError.preconditionFailed("The course was changed by someone else; reload it and try again.");
    this.rows.set(course.id, course.snapshot);
    course.markPersisted();
  }

  async delete(course: Course): Promise<void> {
    const current = this.rows.get(course.id);
    if (!current) throw AppError.notFound(`No course with id ${course.id}.`);
    if (current.version !== course.loadedVersion)
      throw AppError.preconditionFailed("The course was changed by someone else; reload it and try again.");
    this.rows.delete(course.id);
  }

  async findById(id: string): Promise<Course | null> {
    const s = this.rows.get(id);
    return s ? Course.restore(s) : null;
  }

  async findBySlug(slug: string): Promise<Course | null> {
    const s = [...this.rows.values()].find((r) => r.slug === slug);
    return s ? Course.restore(s) : null;
  }

  async list(req: CoursePageRequest): Promise<CoursePage> {
    const items = [...this.rows.values()]
      .filter((r) => !req.filter.status || r.status === req.filter.status)
      .slice(0, req.limit);
    return { items, nextCursor: null };
  }
}
