// docs/asyncapi.yaml is a valid AsyncAPI 3 document and names every topic and event type the
// service really uses.
import { describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Parser } from "@asyncapi/parser";
import { ConfigSchema } from "../../src/config.ts";
import { COURSE_EVENT_TYPES } from "../../src/domain/course/events.ts";
import { eventType } from "../../src/adapters/kafka/cloudevents.ts";
import { ENROLLMENT_EVENT_TYPES } from "../../src/app/enrollments.ts";

const FILE = join(import.meta.dir, "../../docs/asyncapi.yaml");

describe("AsyncAPI contract", () => {
  it("parses and validates with zero errors", async () => {
    const { document, diagnostics } = await new Parser().parse(readFileSync(FILE, "utf8"));
    const errors = diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join(".")}: ${d.message}`);
    expect(errors).toEqual([]);
    expect(document).toBeDefined();
  });

  it("documents the configured topics and every event type", async () => {
    const { document } = await new Parser().parse(readFileSync(FILE, "utf8"));
    const addresses = document!
      .channels()
      .all()
      .map((c) => c.address());
    const defaults = ConfigSchema.properties;
    expect(addresses).toEqual(
      expect.arrayContaining([
        defaults.events.properties.topic.default,
        defaults.enrollments.properties.topic.default,
        defaults.enrollments.properties.dlqTopic.default,
      ]),
    );
    const names = document!
      .messages()
      .all()
      .map((m) => m.name());
    for (const t of COURSE_EVENT_TYPES) expect(names).toContain(eventType(t));
    for (const t of ENROLLMENT_EVENT_TYPES) expect(names).toContain(t);
  });
});
