// The catalog format's published schema is current, and the example docs/SCRAPER.md shows is valid
// against it and imports whole.
import { expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { Value } from "@sinclair/typebox/value";
import { CATALOG_SCHEMA, catalogSchema } from "../../scripts/gen-clients.ts";
import { CatalogCourse, CatalogPage } from "../../src/adapters/scraper/catalog.ts";
import { parseDocument } from "../../src/adapters/scraper/feeds.ts";

it("docs/catalog.schema.json is current", () => {
  expect(readFileSync(CATALOG_SCHEMA, "utf8"), "stale: run `bun run gen` and commit the result").toBe(catalogSchema());
});

it("the example in docs/SCRAPER.md is a valid catalog page and every course in it imports", () => {
  const doc = readFileSync(`${import.meta.dir}/../../docs/SCRAPER.md`, "utf8");
  const example = /## The catalog format[\s\S]*?```json\n([\s\S]*?)```/.exec(doc)?.[1];
  expect(example).toBeDefined();
  const page = JSON.parse(example!);
  expect(Value.Check(CatalogPage, page)).toBe(true);
  for (const c of page.courses)
    expect([...Value.Errors(CatalogCourse, c)].map((e) => `${e.path} ${e.message}`)).toEqual([]);
  const parsed = parseDocument(example!, "auto", "https://partner.example/catalog.json", {
    language: "en",
    level: "beginner",
    instructor: { id: "x", name: "X" },
    tags: [],
  });
  expect(parsed.items.every((i) => i.ok)).toBe(true);
  expect(parsed.next).toBe("https://partner.example/catalog.json?page=2");
});
