// The scraper's outbound HTTP against a real local server: what it refuses, and that it connects to
// the address it checked.
import { afterAll, describe, expect, it } from "bun:test";
import { gzipSync } from "node:zlib";
import { FetchRefusedError, isPublicAddress, redactUrl, type SafeFetchOptions, safeFetch } from "./safe-fetch.ts";

const bomb = gzipSync(new Uint8Array(64 * 1024 * 1024));
let slowRequests = 0;
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const url = new URL(req.url);
    switch (url.pathname) {
      case "/echo":
        return Response.json({
          host: req.headers.get("host"),
          ua: req.headers.get("user-agent"),
          auth: req.headers.get("authorization"),
          inm: req.headers.get("if-none-match"),
        });
      case "/to-metadata":
        return Response.redirect("http://169.254.169.254/latest/meta-data/", 302);
      case "/to-echo":
        return Response.redirect("/echo", 301);
      case "/to-other-origin":
        // The same server under another name: another origin, so no credentials follow.
        return Response.redirect(`http://other.test:${url.port}/echo`, 302);
      case "/loop":
        return Response.redirect("/loop", 302);
      case "/big":
        return new Response("x".repeat(10_000));
      case "/bomb":
        return new Response(bomb, { headers: { "content-encoding": "gzip" } });
      case "/slow":
        slowRequests++;
        await Bun.sleep(2000);
        return new Response("late");
      default:
        return new Response("not found", { status: 404 });
    }
  },
});
afterAll(() => server.stop(true));

const base = `http://127.0.0.1:${server.port}`;
const opts = (over: Partial<SafeFetchOptions> = {}): SafeFetchOptions => ({
  allowPrivateNetworks: false,
  // The fixture is on loopback: allow exactly it, so every other rule is exercised for real.
  addressAllowed: (a) => a === "127.0.0.1" || isPublicAddress(a),
  maxBytes: 2048,
  maxRedirects: 3,
  timeoutMs: 5000,
  userAgent: "courses-scraper/test",
  ...over,
});
const refused = (p: Promise<unknown>) =>
  p.then(
    () => "fetched",
    (e) => (e instanceof FetchRefusedError ? e.message : `other: ${e}`),
  );

describe("isPublicAddress", () => {
  it.each([
    ["8.8.8.8", true],
    ["93.184.216.34", true],
    ["2606:4700:4700::1111", true],
    ["127.0.0.1", false],
    ["10.1.2.3", false],
    ["172.20.0.1", false],
    ["192.168.1.1", false],
    ["169.254.169.254", false],
    ["100.64.0.1", false],
    ["0.0.0.0", false],
    ["224.0.0.1", false],
    ["255.255.255.255", false],
    ["::1", false],
    ["::", false],
    ["fe80::1", false],
    ["fd00::1", false],
    ["ff02::1", false],
    ["::ffff:127.0.0.1", false],
    // Addresses that embed IPv4 are never public, whatever they embed and however written.
    ["::ffff:8.8.8.8", false],
    ["::ffff:7f00:1", false],
    ["::127.0.0.1", false],
    ["::8.8.8.8", false],
    ["::a00:1", false],
    ["not-an-ip", false],
  ])("%s → %p", (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe("safeFetch", () => {
  it("connects to the checked address, sending the name in Host and the configured User-Agent", async () => {
    const res = await safeFetch(
      `http://feeds.test:${server.port}/echo`,
      opts({ lookup: async () => [{ address: "127.0.0.1", family: 4 }] }),
    );
    expect(JSON.parse(new TextDecoder().decode(res.body))).toMatchObject({
      host: `feeds.test:${server.port}`,
      ua: "courses-scraper/test",
    });
  });

  it("refuses a name that resolves to any non-public address, without connecting", async () => {
    const lookup = async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "10.0.0.5", family: 4 },
    ];
    expect(await refused(safeFetch("http://rebind.test/echo", opts({ lookup })))).toBe(
      "rebind.test resolves to 10.0.0.5, which is not a public address",
    );
  });

  it("refuses loopback when private networks are not allowed, and allows it when they are", async () => {
    const strict = { ...opts(), addressAllowed: undefined };
    expect(await refused(safeFetch(`${base}/echo`, strict))).toContain("127.0.0.1, which is not a public address");
    expect((await safeFetch(`${base}/echo`, { ...strict, allowPrivateNetworks: true })).status).toBe(200);
  });

  it("checks every redirect hop again: a redirect to the metadata address is refused", async () => {
    expect(await refused(safeFetch(`${base}/to-metadata`, opts()))).toBe(
      "169.254.169.254 resolves to 169.254.169.254, which is not a public address",
    );
    const followed = await safeFetch(`${base}/to-echo`, opts());
    expect(followed.url).toBe(`${base}/echo`);
  });

  it("stops after maxRedirects", async () => {
    expect(await refused(safeFetch(`${base}/loop`, opts()))).toBe("more than 3 redirects");
  });

  it.each(["file:///etc/passwd", "ftp://example.org/feed", "data:text/plain,hi", "gopher://x/"])(
    "refuses the scheme of %s",
    async (url) => {
      expect(await refused(safeFetch(url, opts()))).toMatch(/^scheme .* refused: only http and https$/);
    },
  );

  it("cuts a body at the limit while it streams, a gzip bomb included", async () => {
    expect(await refused(safeFetch(`${base}/big`, opts()))).toMatch(/exceeds the limit/);
    // 64 MiB of zeros behind 64 KiB of gzip: refused at the limit of what was inflated.
    expect(await refused(safeFetch(`${base}/bomb`, opts({ maxBytes: 1 << 20 })))).toBe(
      "body exceeds the limit of 1048576 bytes",
    );
  });

  it("gives up at its timeout and when the caller aborts", async () => {
    await expect(safeFetch(`${base}/slow`, opts({ timeoutMs: 200 }))).rejects.toThrow(/timed out|abort/i);
    // The caller's abort, once the request is in flight at the server (a fixed delay raced it on a
    // loaded machine; counting from before this request, since the timed-out one above may never have
    // reached the server). The fetch's own timeout is far away, so only the abort can end it.
    const before = slowRequests;
    const controller = new AbortController();
    const p = safeFetch(`${base}/slow`, opts({ signal: controller.signal, timeoutMs: 60_000 }));
    let settled = false;
    p.catch(() => {}).finally(() => {
      settled = true;
    });
    while (slowRequests === before && !settled) await Bun.sleep(5);
    controller.abort(new Error("stopped by the caller"));
    await expect(p).rejects.toThrow("stopped by the caller");
  });

  it("sends credentials from the URL as Basic auth, and never shows them in a redacted URL", async () => {
    const res = await safeFetch(
      `http://user:p%40ss@127.0.0.1:${server.port}/echo`,
      opts({ headers: { "if-none-match": '"v3"' } }),
    );
    expect(JSON.parse(new TextDecoder().decode(res.body))).toMatchObject({
      auth: `Basic ${btoa("user:p@ss")}`,
      inm: '"v3"',
    });
    expect(redactUrl("https://user:secret@example.org/feed?x=1")).toBe("https://example.org/feed?x=1");
    // The final URL, which relative links resolve against, carries no credentials.
    expect(res.url).toBe(`http://127.0.0.1:${server.port}/echo`);
  });

  it("sends the credentials along a redirect on the same origin, never to another origin", async () => {
    const same = await safeFetch(`http://user:pw@127.0.0.1:${server.port}/to-echo`, opts());
    expect(JSON.parse(new TextDecoder().decode(same.body)).auth).toBe(`Basic ${btoa("user:pw")}`);
    const other = await safeFetch(
      `http://user:pw@127.0.0.1:${server.port}/to-other-origin`,
      opts({ lookup: async () => [{ address: "127.0.0.1", family: 4 }] }),
    );
    expect(other.url).toBe(`http://other.test:${server.port}/echo`);
    expect(JSON.parse(new TextDecoder().decode(other.body)).auth).toBeNull();
  });

  it("bounds name resolution by the fetch's timeout and the caller's signal", async () => {
    const hanging = () => new Promise<{ address: string; family: number }[]>(() => {});
    await expect(safeFetch("http://hangs.test/echo", opts({ lookup: hanging, timeoutMs: 100 }))).rejects.toThrow();
    const controller = new AbortController();
    const p = safeFetch("http://hangs.test/echo", opts({ lookup: hanging, signal: controller.signal }));
    controller.abort(new Error("stopped"));
    await expect(p).rejects.toThrow("stopped");
  });
});

describe("safeFetch over TLS", () => {
  const openssl = Bun.which("openssl");
  if (!openssl) console.warn("[skip] TLS pinning test: openssl is not installed (it makes the test certificate)");

  it.skipIf(!openssl)(
    "connects to the checked address and verifies the certificate against the name, not the address",
    async () => {
      const dir = `${import.meta.dir}/../../../.stack/tls-test`;
      await Bun.$`mkdir -p ${dir} && ${openssl!} req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ${dir}/key.pem -out ${dir}/cert.pem -days 1 -subj /CN=feeds.test -addext subjectAltName=DNS:feeds.test`.quiet();
      const cert = await Bun.file(`${dir}/cert.pem`).text();
      const tls = Bun.serve({
        port: 0,
        hostname: "127.0.0.1",
        tls: { cert, key: await Bun.file(`${dir}/key.pem`).text() },
        fetch: (r) => new Response(`host=${r.headers.get("host")}`),
      });
      try {
        const o = opts({ ca: cert, lookup: async () => [{ address: "127.0.0.1", family: 4 }] });
        const res = await safeFetch(`https://feeds.test:${tls.port}/`, o);
        expect(new TextDecoder().decode(res.body)).toBe(`host=feeds.test:${tls.port}`);
        // Same address, a name the certificate does not carry: refused by the TLS check.
        await expect(safeFetch(`https://other.test:${tls.port}/`, o)).rejects.toThrow(
          /does not match certificate's altnames/,
        );
      } finally {
        tls.stop(true);
      }
    },
  );
});
