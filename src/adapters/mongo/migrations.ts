// The service's migrations, in apply order. Never edit one that has shipped: the checksum
// check refuses to start. Add a new one instead.
import { COURSES } from "./course-document.ts";
import type { Migration } from "./migrate.ts";
import { SCRAPER_ITEMS, SCRAPER_LEASES, SCRAPER_SOURCES } from "./scraper-store.ts";

export const IDEMPOTENCY_KEYS = "idempotency_keys";
export const PROCESSED_EVENTS = "processed_events";
export const OUTBOX_PENDING = "outbox_pending";
export const OUTBOX_PARKED = "outbox_parked";

export const MIGRATIONS: Migration[] = [
  {
    id: "0001_courses",
    description: "courses collection with an index for every filter and sort the API offers",
    steps: [
      { op: "createCollection", collection: COURSES },
      { op: "createIndex", collection: COURSES, keys: { slug: 1 }, options: { name: "slug_unique", unique: true } },
      { op: "createIndex", collection: COURSES, keys: { createdAt: -1, _id: -1 }, options: { name: "created" } },
      { op: "createIndex", collection: COURSES, keys: { updatedAt: -1, _id: -1 }, options: { name: "updated" } },
      { op: "createIndex", collection: COURSES, keys: { publishedAt: -1, _id: -1 }, options: { name: "published" } },
      { op: "createIndex", collection: COURSES, keys: { titleSort: 1, _id: 1 }, options: { name: "title" } },
      {
        op: "createIndex",
        collection: COURSES,
        keys: { status: 1, createdAt: -1, _id: -1 },
        options: { name: "status_created" },
      },
      { op: "createIndex", collection: COURSES, keys: { tags: 1, createdAt: -1 }, options: { name: "tags" } },
      { op: "createIndex", collection: COURSES, keys: { level: 1, createdAt: -1 }, options: { name: "level" } },
      { op: "createIndex", collection: COURSES, keys: { language: 1, createdAt: -1 }, options: { name: "language" } },
      {
        op: "createIndex",
        collection: COURSES,
        keys: { "instructor.id": 1, createdAt: -1 },
        options: { name: "instructor" },
      },
      { op: "createIndex", collection: COURSES, keys: { searchTokens: 1 }, options: { name: "search_tokens" } },
      {
        op: "validator",
        collection: COURSES,
        validator: {
          $jsonSchema: {
            bsonType: "object",
            required: ["_id", "slug", "title", "status", "version", "lessons", "searchTokens"],
            properties: {
              status: { enum: ["draft", "published", "archived"] },
              version: { bsonType: ["int", "long", "double"], minimum: 1 },
              enrollmentCount: { bsonType: ["int", "long", "double"], minimum: 0 },
            },
          },
        },
      },
    ],
  },
  {
    id: "0002_idempotency_keys",
    description:
      "stored responses for Idempotency-Key replays, expired by a housekeeping job (the stack's store never applies TTL indexes)",
    steps: [
      { op: "createCollection", collection: IDEMPOTENCY_KEYS },
      { op: "createIndex", collection: IDEMPOTENCY_KEYS, keys: { expiresAt: 1 }, options: { name: "expires" } },
    ],
  },
  {
    id: "0003_outbox_and_enrollments",
    description: "index for the outbox relay; processed enrollment events, expired by housekeeping",
    steps: [
      { op: "createIndex", collection: COURSES, keys: { pendingSince: 1 }, options: { name: "outbox_pending" } },
      { op: "createCollection", collection: PROCESSED_EVENTS },
      {
        op: "createIndex",
        collection: PROCESSED_EVENTS,
        keys: { state: 1, processedAt: 1 },
        options: { name: "processed" },
      },
    ],
  },
  {
    id: "0004_indexed_guards_and_outbox_markers",
    description:
      "guards by _id that an index serves on every store ({_id, version}, {_id, enrollmentRev}); one marker per course with pending events, so the relay's work is O(pending); parked events",
    steps: [
      // mongo-java-server uses an index only when a query names exactly its fields: a guarded
      // write {_id, version} scans every course without this one (real MongoDB uses _id either way).
      {
        op: "createIndex",
        collection: COURSES,
        keys: { _id: 1, version: 1 },
        options: { name: "id_version", unique: true },
      },
      {
        op: "updateMany",
        collection: COURSES,
        filter: { enrollmentRev: { $exists: false } },
        update: { $set: { enrollmentRev: 0 } },
      },
      {
        op: "createIndex",
        collection: COURSES,
        keys: { _id: 1, enrollmentRev: 1 },
        options: { name: "id_enrollment_rev", unique: true },
      },
      { op: "dropIndex", collection: COURSES, name: "outbox_pending" },
      { op: "createCollection", collection: OUTBOX_PENDING },
      { op: "createIndex", collection: OUTBOX_PENDING, keys: { since: 1, _id: 1 }, options: { name: "since" } },
      // The relay's fenced writes name exactly these fields.
      {
        op: "createIndex",
        collection: OUTBOX_PENDING,
        keys: { _id: 1, lease: 1 },
        options: { name: "id_lease", unique: true },
      },
      {
        op: "createIndex",
        collection: OUTBOX_PENDING,
        keys: { _id: 1, lease: 1, writes: 1 },
        options: { name: "id_lease_writes", unique: true },
      },
      { op: "createCollection", collection: OUTBOX_PARKED },
      { op: "createIndex", collection: OUTBOX_PARKED, keys: { parkedAt: 1 }, options: { name: "parked_at" } },
      {
        op: "createIndex",
        collection: IDEMPOTENCY_KEYS,
        keys: { _id: 1, createdAt: 1 },
        options: { name: "id_created", unique: true },
      },
      {
        op: "createIndex",
        collection: IDEMPOTENCY_KEYS,
        keys: { _id: 1, state: 1 },
        options: { name: "id_state", unique: true },
      },
      {
        op: "createIndex",
        collection: PROCESSED_EVENTS,
        keys: { _id: 1, state: 1 },
        options: { name: "id_state", unique: true },
      },
    ],
  },
  {
    id: "0005_scraper",
    description:
      "the scraper's import ledger, source state and leases; courses filterable by the source they were imported from",
    steps: [
      { op: "createCollection", collection: SCRAPER_ITEMS },
      { op: "createCollection", collection: SCRAPER_SOURCES },
      { op: "createCollection", collection: SCRAPER_LEASES },
      {
        op: "createIndex",
        collection: COURSES,
        keys: { "source.catalog": 1, createdAt: -1, _id: -1 },
        options: { name: "source_created" },
      },
    ],
  },
];
