// Reference: the store's limit. A bare Bun.serve with the raw `mongodb` driver doing the same
// lookups and inserts as the service on the same collection — no validation, no mapping, no
// events, no telemetry: what the store and the driver cost on their own.
//   bun bench/refs/bun-driver.ts <mongoUrl> <database>   → prints "listening PORT"
import { MongoClient } from "mongodb";

const client = new MongoClient(process.argv[2]!, { maxPoolSize: 100 });
const courses = client.db(process.argv[3]!).collection<{ _id: string; version: number }>("courses");
const json = { "content-type": "application/json" };
const notFound = () => new Response('{"status":404}', { status: 404, headers: json });

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  routes: {
    "/healthz": () => new Response('{"status":"ok"}', { headers: json }),
    "/v1/courses/by-slug/:slug": async (req) => {
      const doc = await courses.findOne({ slug: req.params.slug });
      if (!doc) return notFound();
      const etag = `"${doc.version}"`;
      if (req.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers: { etag } });
      return new Response(JSON.stringify(doc), { headers: { ...json, etag } });
    },
    "/v1/courses/:id": async (req) => {
      const doc = await courses.findOne({ _id: req.params.id });
      return doc ? new Response(JSON.stringify(doc), { headers: json }) : notFound();
    },
    "/v1/courses": {
      GET: async (req) => {
        const q = new URL(req.url).searchParams;
        const filter = q.get("level") ? { level: q.get("level") } : {};
        const limit = Number(q.get("limit") ?? 20);
        const items = await courses
          .find(filter as never)
          .sort({ createdAt: -1, _id: -1 })
          .limit(limit + 1)
          .toArray();
        return new Response(JSON.stringify({ items: items.slice(0, limit), nextCursor: null }), { headers: json });
      },
      POST: async (req) => {
        const body = (await req.json()) as Record<string, unknown>;
        const now = new Date();
        const _id = crypto.randomUUID();
        const doc = { _id, ...body, slug: `load-${_id}`, status: "draft", version: 1, createdAt: now, updatedAt: now };
        await courses.insertOne(doc as never);
        return new Response(JSON.stringify(doc), { status: 201, headers: json });
      },
    },
  },
});
console.log(`listening ${server.port}`);
