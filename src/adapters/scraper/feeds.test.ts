// Decoding, parsing and the mapping of docs/SCRAPER.md on small documents written here.
// The real-world feeds of ../shared/feeds are run by the conformance test.
import { describe, expect, it } from "bun:test";
import { LIMITS } from "../../domain/course/values.ts";
import {
  decodeBody,
  DocumentError,
  type ItemDefaults,
  normaliseTags,
  type ParsedItem,
  parseDocument,
} from "./feeds.ts";

const defaults: ItemDefaults = {
  language: "en",
  level: "beginner",
  instructor: { id: "src", name: "Source" },
  tags: ["imported"],
};
const ok = (items: ParsedItem[]) => items.map((i) => (i.ok ? i.item : null));
const rss = (items: string, channel = "") =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><link>https://f.example/</link><description>d</description>${channel}${items}</channel></rss>`;

describe("decodeBody", () => {
  const cyrillic = new Uint8Array([0xc0, 0xe1, 0xe2]); // "Абв" in windows-1251
  it("takes the charset from Content-Type first, then the XML prolog, else UTF-8", () => {
    expect(decodeBody(cyrillic, "application/rss+xml; charset=windows-1251")).toBe("Абв");
    const prolog = new TextEncoder().encode('<?xml version="1.0" encoding="windows-1251"?>');
    expect(decodeBody(new Uint8Array([...prolog, ...cyrillic]), "text/xml")).toEndWith("Абв");
    const latin1 = new TextEncoder().encode("<?xml version='1.0' encoding='ISO-8859-1'?>");
    expect(decodeBody(new Uint8Array([...latin1, 0xe3, 0xe9]), null)).toEndWith("ãé");
    expect(decodeBody(new TextEncoder().encode("naïve"), null)).toBe("naïve");
  });

  it("names an encoding it does not know", () => {
    expect(() => decodeBody(new Uint8Array([0x41]), "text/xml; charset=x-klingon")).toThrow(
      "unsupported character encoding 'x-klingon'",
    );
  });
});

describe("parseDocument", () => {
  it("maps an RSS item: guid as id, HTML to plain text without scripts, categories to tags, author to instructor", () => {
    const doc = parseDocument(
      rss(
        `<item><title>Intro &amp; more</title><link>https://f.example/a</link><guid>g-1</guid>
         <description>&lt;p&gt;Hello &lt;b&gt;world&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</description>
         <category>Web Dev!</category><category>web dev</category><author>ada@example.org (Ada Lovelace)</author></item>`,
        "<language>pt-BR</language>",
      ),
      "auto",
      "https://f.example/feed.xml",
      defaults,
    );
    expect(doc.kind).toBe("rss");
    expect(ok(doc.items)).toEqual([
      {
        externalId: "g-1",
        link: "https://f.example/a",
        course: {
          title: "Intro & more",
          summary: "Hello world",
          description: "Hello world",
          language: "pt-BR",
          level: "beginner",
          tags: ["web dev", "imported"],
          instructor: { id: "ada-lovelace", name: "Ada Lovelace" },
        },
      },
    ]);
  });

  it("takes the external id from guid, then id, then link, and rejects an item with none", () => {
    const doc = parseDocument(
      rss(
        "<item><title>With link</title><link>https://f.example/l</link></item><item><title>Nothing at all</title></item>",
      ),
      "rss",
      "https://f.example/feed.xml",
      defaults,
    );
    expect(doc.items[0]).toMatchObject({ ok: true, item: { externalId: "https://f.example/l" } });
    expect(doc.items[1]).toEqual({ ok: false, reason: "no guid, id or link" });
  });

  it("resolves Atom links against xml:base and the document URL", () => {
    const atom = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id><updated>2026-01-01T00:00:00Z</updated>
      <entry><title>Relative one</title><id>/e/1</id><updated>2026-01-01T00:00:00Z</updated><link href="/posts/1/"/><content type="html" xml:base="https://base.example/x/">&lt;p&gt;Body&lt;/p&gt;</content></entry>
      <entry><title>Relative two</title><id>/e/2</id><updated>2026-01-01T00:00:00Z</updated><link rel="alternate" href="posts/2/"/></entry></feed>`;
    const doc = parseDocument(atom, "auto", "https://site.example/blog/feed.xml", defaults);
    expect(doc.kind).toBe("atom");
    expect(ok(doc.items).map((i) => i?.link)).toEqual([
      "https://base.example/posts/1/",
      "https://site.example/blog/posts/2/",
    ]);
  });

  it("trims what is safe to trim and rejects what is not", () => {
    const long = "word ".repeat(100);
    const tags = Array.from({ length: 30 }, (_, i) => `<category>t${i}</category>`).join("");
    const doc = parseDocument(
      rss(`<item><title>${long}</title><guid>1</guid>${tags}</item><item><title>ab</title><guid>2</guid></item>`),
      "rss",
      "https://f.example/",
      { ...defaults, tags: [] },
    );
    const first = ok(doc.items)[0]!;
    expect(first.course.title.length).toBeLessThanOrEqual(LIMITS.titleMax);
    expect(first.course.title).toEndWith("…");
    expect(first.course.tags).toHaveLength(LIMITS.tagsMax);
    expect(doc.items[1]).toEqual({ ok: false, externalId: "2", reason: "title shorter than 3 characters" });
  });

  it("reads JSON Feed and detects it", () => {
    const json = JSON.stringify({
      version: "https://jsonfeed.org/version/1.1",
      title: "J",
      language: "de",
      items: [
        {
          id: 7,
          url: "https://j.example/7",
          title: "Seven things",
          content_html: "<p>Sieben</p>",
          tags: ["Lists"],
          authors: [{ name: "Grete" }],
        },
      ],
    });
    const doc = parseDocument(json, "auto", "https://j.example/feed.json", defaults);
    expect(doc.kind).toBe("jsonfeed");
    expect(ok(doc.items)[0]).toMatchObject({
      externalId: "7",
      course: { language: "de", description: "Sieben", tags: ["lists", "imported"], instructor: { name: "Grete" } },
    });
  });

  it("reads a catalog page with its next link", () => {
    const catalog = {
      courses: [
        {
          id: "c-1",
          url: "/courses/c-1",
          title: "Catalog course",
          language: "en",
          level: "advanced",
          instructor: { id: "p-1", name: "Partner" },
          lessons: [{ title: "One", durationMinutes: 10 }],
          status: "published",
        },
        { id: "c-2", title: "No level" },
      ],
      next: "/catalog?page=2",
    };
    const doc = parseDocument(JSON.stringify(catalog), "auto", "https://p.example/catalog", defaults);
    expect(doc.kind).toBe("catalog");
    expect(doc.next).toBe("https://p.example/catalog?page=2");
    expect(doc.items[0]).toMatchObject({
      ok: true,
      item: {
        externalId: "c-1",
        link: "https://p.example/courses/c-1",
        status: "published",
        lessons: [{ title: "One", durationMinutes: 10 }],
      },
    });
    expect(doc.items[1]).toEqual({
      ok: false,
      externalId: "c-2",
      reason: "not a catalog course: /language Expected required property",
    });
  });

  it.each([
    [
      "an internal DTD (entity expansion)",
      '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa">]><rss version="2.0"><channel><title>&a;</title></channel></rss>',
      /internal DTD subset/,
    ],
    [
      "a document cut off",
      '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>x',
      /not well-formed XML/,
    ],
    ["an HTML page", "<html><head><title>Moved</title></head><body>gone</body></html>", /not a feed|not well-formed/],
    ["JSON that is not a feed", '{"hello": "world"}', /not a feed/],
    ["broken JSON", '{"items": [', /not valid JSON/],
  ])("refuses %s as a whole", (_what, text, message) => {
    expect(() => parseDocument(text, "auto", "https://x.example/", defaults)).toThrow(DocumentError);
    expect(() => parseDocument(text, "auto", "https://x.example/", defaults)).toThrow(message);
  });

  it("refuses a document of another kind than the source declares", () => {
    expect(() => parseDocument(rss(""), "atom", "https://x.example/", defaults)).toThrow("expected atom, found rss");
  });
});

describe("normaliseTags", () => {
  it("lowercases, keeps the API's characters, drops duplicates and empties, caps length", () => {
    expect(normaliseTags(["C++", "c++", "  Node.js ", "#hash", "!!!", "ünïcode Ok", "x".repeat(60)])).toEqual([
      "c++",
      "node.js",
      "hash",
      "ünïcode ok",
      "x".repeat(40),
    ]);
  });
});
