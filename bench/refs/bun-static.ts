// Reference: the runtime's limit. A bare Bun.serve answering fixed bytes — the service's own
// /healthz body, a course body, and a fixed 400 problem for any POST — with none of the
// service's layers (routing, validation, tracing, metrics, logging, store).
//   bun bench/refs/bun-static.ts <course.json>   → prints "listening PORT"
export {};
const course = await Bun.file(process.argv[2]!).text();
const json = { "content-type": "application/json" };
const health = JSON.stringify({ status: "ok" });
const problem = JSON.stringify({
  type: "/problems/invalid-argument",
  title: "Invalid argument",
  status: 400,
  detail: "The request is invalid; see errors for each field.",
  errors: [{ field: "/level", message: "must be one of beginner, intermediate, advanced" }],
});
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    if (req.method === "POST") {
      await req.arrayBuffer();
      return new Response(problem, { status: 400, headers: { "content-type": "application/problem+json" } });
    }
    if (new URL(req.url).pathname === "/healthz") return new Response(health, { headers: json });
    return new Response(course, { headers: json });
  },
});
console.log(`listening ${server.port}`);
