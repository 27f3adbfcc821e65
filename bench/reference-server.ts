// The reference: a bare Bun.serve answering the same JSON the service answers, with none of the
// service's layers (routing, validation, tracing, metrics, logging, store).
export {};
const body = await Bun.file(process.argv[2]!).text();
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.argv[3] ?? 0),
  fetch: () => new Response(body, { headers: { "content-type": "application/json" } }),
});
console.log(`listening ${server.port}`);
