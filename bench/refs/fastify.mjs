// Reference: the peer a user would pick instead. Node + Fastify 5 + the same `mongodb` driver,
// the same routes and lookups as the service, and the same request validation: the CourseCreate
// schema from docs/openapi.json, compiled by Fastify's Ajv.
//   node bench/refs/fastify.mjs <mongoUrl> <database>   → prints "listening PORT"
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import Fastify from "fastify";
import { MongoClient } from "mongodb";

const spec = JSON.parse(readFileSync(new URL("../../docs/openapi.json", import.meta.url), "utf8"));
/**
 * The schema with its #/components/schemas references inlined (Ajv gets one self-contained
 * schema), without OpenAPI's `discriminator`: a hint for generators that strict Ajv refuses; the
 * `oneOf` beside it validates the same.
 */
function deref(node) {
  if (Array.isArray(node)) return node.map(deref);
  if (!node || typeof node !== "object") return node;
  if (typeof node.$ref === "string") return deref(spec.components.schemas[node.$ref.split("/").pop()]);
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => k !== "discriminator")
      .map(([k, v]) => [k, deref(v)]),
  );
}
const courseCreate = deref(spec.components.schemas.CourseCreate);

const client = new MongoClient(process.argv[2], { maxPoolSize: 100 });
const courses = client.db(process.argv[3]).collection("courses");
const app = Fastify({ logger: false });

app.get("/healthz", async () => ({ status: "ok" }));
app.get("/v1/courses/by-slug/:slug", async (req, reply) => {
  const doc = await courses.findOne({ slug: req.params.slug });
  if (!doc) return reply.code(404).send({ status: 404 });
  const etag = `"${doc.version}"`;
  reply.header("etag", etag);
  if (req.headers["if-none-match"] === etag) return reply.code(304).send();
  return doc;
});
app.get("/v1/courses/:id", async (req, reply) => {
  const doc = await courses.findOne({ _id: req.params.id });
  return doc ?? reply.code(404).send({ status: 404 });
});
app.get("/v1/courses", async (req) => {
  const limit = Number(req.query.limit ?? 20);
  const filter = req.query.level ? { level: req.query.level } : {};
  const items = await courses
    .find(filter)
    .sort({ createdAt: -1, _id: -1 })
    .limit(limit + 1)
    .toArray();
  return { items: items.slice(0, limit), nextCursor: null };
});
app.post("/v1/courses", { schema: { body: courseCreate } }, async (req, reply) => {
  const now = new Date();
  const _id = randomUUID();
  const doc = { _id, ...req.body, slug: `load-${_id}`, status: "draft", version: 1, createdAt: now, updatedAt: now };
  await courses.insertOne(doc);
  return reply.code(201).send(doc);
});

await app.listen({ host: "127.0.0.1", port: 0 });
console.log(`listening ${app.server.address().port}`);
