// Course events on the wire: CloudEvents 1.0, structured JSON mode. The course inside an event
// is the v1 course contract (adapters/contract/course-v1.ts; docs/asyncapi.yaml).
import type { OutboxEvent } from "../../app/outbox.ts";
import type { CourseState } from "../../domain/course/course.ts";
import { toCourseV1 } from "../contract/course-v1.ts";

export interface CloudEvent<T = Record<string, unknown>> {
  specversion: "1.0";
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  datacontenttype: "application/json";
  /** Extension attribute: who made the change (absent when authentication is off). */
  actor?: string;
  data: T;
}

export const CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

/** "course.published" → "courses.course.published.v1". */
export function eventType(domainType: string): string {
  return `courses.${domainType}.v1`;
}

export function toCloudEvent(e: OutboxEvent, source: string): CloudEvent {
  const { course, ...rest } = e.data as { course?: CourseState };
  return {
    specversion: "1.0",
    id: e.id,
    type: eventType(e.type),
    source,
    subject: e.courseId,
    time: e.occurredAt.toISOString(),
    datacontenttype: "application/json",
    ...(e.actor ? { actor: e.actor } : {}),
    data: {
      courseId: e.courseId,
      courseVersion: e.courseVersion,
      ...rest,
      ...(course ? { course: toCourseV1(course) } : {}),
    },
  };
}
