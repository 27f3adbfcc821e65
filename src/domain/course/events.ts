// Domain events a course records. The outbox stores them with the change that caused them;
// the relay publishes them (as CloudEvents `courses.<type>.v1`).

export const COURSE_EVENT_TYPES = [
  "course.created",
  "course.updated",
  "course.published",
  "course.archived",
  "course.unarchived",
  "course.deleted",
  "course.lesson_added",
  "course.lesson_updated",
  "course.lesson_removed",
  "course.lessons_reordered",
] as const;

export type CourseEventType = (typeof COURSE_EVENT_TYPES)[number];

export interface CourseEvent {
  type: CourseEventType;
  courseId: string;
  /** The course's version after the change: orders events of one course. */
  courseVersion: number;
  occurredAt: Date;
  data: Record<string, unknown>;
}
