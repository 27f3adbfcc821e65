// The port through which use cases load and store courses. Adapters (mongo) implement it.
import type { Course, CourseState } from "./course.ts";
import type { CourseStatus, Level } from "./values.ts";

export type CourseSort =
  | "createdAt"
  | "-createdAt"
  | "title"
  | "-title"
  | "publishedAt"
  | "-publishedAt"
  | "updatedAt"
  | "-updatedAt";
export const COURSE_SORTS: CourseSort[] = [
  "-createdAt",
  "createdAt",
  "title",
  "-title",
  "-publishedAt",
  "publishedAt",
  "-updatedAt",
  "updatedAt",
];

export interface CourseFilter {
  status?: CourseStatus;
  tag?: string;
  level?: Level;
  language?: string;
  instructorId?: string;
  /** Imported from this source (the catalog of a catalog source). */
  source?: string;
  /** Every word must match (see searchTokens). */
  q?: string;
}

export interface CoursePageRequest {
  filter: CourseFilter;
  /** Default: the cursor's own sort, else -createdAt. */
  sort?: CourseSort;
  limit: number;
  /** Opaque position after which the page starts. */
  cursor?: string;
}

export interface CoursePage {
  items: CourseState[];
  nextCursor: string | null;
}

/**
 * Who makes a change, recorded with its events: a token's subject, `scraper:<source>`, or
 * undefined (authentication off).
 */
export type Actor = string | undefined;

export interface CourseRepository {
  /** Stores a new course; conflict when its slug is taken. */
  insert(course: Course, actor?: Actor): Promise<void>;
  /** Stores changes over `course.loadedVersion`; precondition_failed when someone saved in between. */
  save(course: Course, actor?: Actor): Promise<void>;
  /** Deletes the course as loaded; precondition_failed when it changed since. */
  delete(course: Course, actor?: Actor): Promise<void>;
  findById(id: string): Promise<Course | null>;
  findBySlug(slug: string): Promise<Course | null>;
  list(req: CoursePageRequest): Promise<CoursePage>;
}
