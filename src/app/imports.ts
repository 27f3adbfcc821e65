// Importing one item of an external source (a feed entry, a catalog course) as a course. No rules of
// its own: new courses go through Course.create, changes through the aggregate's methods and the
// repository's guarded save, so validation and events are the API's. Upsert by (source, external
// id) through the ImportLedger port; an item whose content did not change causes no read of the
// course, no write and no event.
import { createHash } from "node:crypto";
import { AppError } from "../../lib/xerrors/index.ts";
import { Course, type LessonInput, type NewCourse } from "../domain/course/course.ts";
import { slugify } from "../domain/course/values.ts";
import { type CourseDeps, mutate } from "./courses.ts";

export interface ImportItem {
  externalId: string;
  /** The item's page; the course's origin link. */
  link: string;
  course: Omit<NewCourse, "id" | "slug" | "source">;
  /** Catalog sources only: complete courses. */
  lessons?: LessonInput[];
  status?: "draft" | "published" | "archived";
  /** Catalog sources only: the partner took the course back → archived here. */
  withdrawn?: boolean;
}

/** What the ledger remembers of an imported item: its course and the hash of what was applied. */
export interface ImportRecord {
  courseId: string;
  /** null: the course id is reserved, the course not yet (fully) written. */
  hash: string | null;
}

/** Port: one record per (source, external id). */
export interface ImportLedger {
  get(source: string, externalId: string): Promise<ImportRecord | null>;
  put(source: string, externalId: string, record: ImportRecord): Promise<void>;
}

export type ImportOutcome =
  | { outcome: "created" | "updated" | "unchanged"; courseId: string }
  | { outcome: "failed"; reason: string };

/** A stable hash of everything an import applies. */
export function itemHash(item: ImportItem): string {
  return createHash("sha256")
    .update(JSON.stringify([item.link, item.course, item.lessons, item.status, item.withdrawn]))
    .digest("hex");
}

export async function importItem(
  d: CourseDeps,
  ledger: ImportLedger,
  source: string,
  item: ImportItem,
): Promise<ImportOutcome> {
  const hash = itemHash(item);
  let record = await ledger.get(source, item.externalId);
  if (record?.hash === hash) return { outcome: "unchanged", courseId: record.courseId };
  const fresh = !record;
  if (!record) {
    // Reserve the course's id first: a crash after the create cannot lead to a second course.
    record = { courseId: d.ids.next(), hash: null };
    await ledger.put(source, item.externalId, record);
  }
  const id = record.courseId;
  let outcome: "created" | "updated" | "unchanged";
  try {
    // A fresh id has no course yet; a known one has, unless a crash came between reserving and
    // creating (apply then finds nothing, and the course is created). One load either way.
    outcome = fresh
      ? await create(d, id, source, item, hash)
      : await apply(d, id, item).catch((e) => {
          if (e instanceof AppError && e.kind === "not_found") return create(d, id, source, item, hash);
          throw e;
        });
  } catch (e) {
    if (e instanceof AppError && (e.kind === "invalid_argument" || e.kind === "conflict")) {
      const fields = e.fields.map((f) => `${f.field} ${f.message}`).join("; ");
      return { outcome: "failed", reason: fields ? `${e.message} (${fields})` : e.message };
    }
    throw e;
  }
  await ledger.put(source, item.externalId, { courseId: id, hash });
  return { outcome, courseId: id };
}

async function create(d: CourseDeps, id: string, source: string, item: ImportItem, hash: string): Promise<"created"> {
  // A title without Latin letters or digits (Cyrillic, Chinese…) has no slug of its own.
  const own = slugify(item.course.title);
  const input: NewCourse = {
    ...item.course,
    id,
    ...(own ? {} : { slug: `course-${hash.slice(0, 12)}` }),
    source: { kind: "catalog", catalog: source, externalId: item.externalId, url: item.link },
  };
  let course = Course.create(input, d.ids, d.clock);
  try {
    await d.courses.insert(course, d.actor);
  } catch (e) {
    if (!(e instanceof AppError && e.kind === "conflict")) throw e;
    // Another course has this title's slug: the item's own, made unique by its id's hash.
    const slug = `${(own || "course").slice(0, 100).replace(/-+$/, "")}-${hash.slice(0, 8)}`;
    course = Course.create({ ...input, slug }, d.ids, d.clock);
    await d.courses.insert(course, d.actor);
  }
  if (item.lessons?.length || item.status !== undefined || item.withdrawn) await apply(d, id, item);
  return "created";
}

/** Brings an existing course to the item's content in one guarded save; "unchanged" when nothing differed. */
async function apply(d: CourseDeps, id: string, item: ImportItem): Promise<"updated" | "unchanged"> {
  let before = 0;
  const { course } = await mutate(d, id, undefined, (c) => {
    before = c.version;
    // A course archived here (by a person, or withdrawn) is left as it is, unless the catalog
    // itself brings it back.
    if (c.status === "archived" && !(item.status && item.status !== "archived" && !item.withdrawn)) return;
    if (c.status === "archived") c.unarchive(d.clock);
    const { price, ...fields } = item.course;
    c.update({ ...fields, ...(item.lessons ? { price: price ?? null } : {}) }, d.clock);
    if (item.lessons) syncLessons(c, item.lessons, d);
    const target = item.withdrawn ? "archived" : item.status;
    if (target === "published" && c.status === "draft") c.publish(d.clock);
    if (target === "archived" && c.status !== "archived") c.archive(d.clock);
  });
  return course.version === before ? "unchanged" : "updated";
}

/** Makes the course's lessons the catalog's, position by position. */
function syncLessons(c: Course, wanted: LessonInput[], d: CourseDeps): void {
  const have = c.snapshot.lessons;
  for (let i = 0; i < wanted.length; i++) {
    const w = wanted[i]!;
    const h = have[i];
    if (!h) c.addLesson(w, d.ids, d.clock);
    else if (h.title !== w.title || h.durationMinutes !== w.durationMinutes) c.updateLesson(h.id, w, d.clock);
  }
  for (const extra of have.slice(wanted.length).reverse()) c.removeLesson(extra.id, d.clock);
}
