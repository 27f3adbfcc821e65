// Authentication and scopes on the compiled binary: HS256 tokens, and RS256/ES256 tokens from a
// JWKS served here (with a key rotation); 401 with WWW-Authenticate vs 403; idempotency keys
// scoped to the caller; the development token and `courses token`.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { courseBinary } from "../support/binary.ts";
import { readTopic, testKafka } from "../support/kafka.ts";
import { run } from "../support/run.ts";
import {
  serviceEnv,
  startService,
  TEST_AUTH_SECRET,
  testToken,
  withAuth,
  type RunningService,
} from "../support/service.ts";
import { dropDatabases, stack, uniqueName, type StackEndpoints } from "../support/stack.ts";

let s: StackEndpoints;
let svc: RunningService;
const database = uniqueName("it_auth").replaceAll("-", "_");
const eventsTopic = `it.courses.${database}`;
beforeAll(async () => {
  s = await stack();
  svc = await startService(
    withAuth(
      serviceEnv(s, {
        COURSES_MONGO_DATABASE: database,
        COURSES_EVENTS_TOPIC: eventsTopic,
        COURSES_TELEMETRY_TRACING_ENABLED: "false",
      }),
    ),
  );
});
afterAll(async () => {
  await svc?.stop();
  await dropDatabases(s.mongoUrl, [database, `${database}_jwks`]);
});

const body = (title: string) =>
  JSON.stringify({ title, language: "en", level: "beginner", instructor: { id: "i", name: "I" } });
const post = (
  url: string,
  token?: string,
  extra: Record<string, string> = {},
  title = `Auth course ${crypto.randomUUID().slice(0, 8)}`,
) =>
  fetch(`${url}/v1/courses`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra },
    body: body(title),
  });

describe("HS256 tokens", () => {
  it("a write without a token is a 401 problem with a Bearer challenge; reads stay public", async () => {
    const res = await post(svc.url);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="courses"');
    expect((await fetch(`${svc.url}/v1/courses`)).status).toBe(200);
  });

  it("refuses forged, expired, subject-less, expiry-less and over-long tokens with invalid_token, saying no more", async () => {
    const forged = await new SignJWT({ scope: "courses:write" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("mallory")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("another-secret-of-at-least-32-chars!!"));
    const expired = await new SignJWT({ scope: "courses:write" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("late")
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(TEST_AUTH_SECRET));
    const anonymous = await new SignJWT({ scope: "courses:write" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(TEST_AUTH_SECRET));
    // No exp: it would be valid forever once leaked.
    const eternal = await new SignJWT({ scope: "courses:write" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("forever")
      .setIssuedAt()
      .sign(new TextEncoder().encode(TEST_AUTH_SECRET));
    // Issued for 48 h: beyond auth.maxTokenLifetime (24 h), though not expired.
    const longLived = await new SignJWT({ scope: "courses:write" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("long")
      .setIssuedAt()
      .setExpirationTime("48h")
      .sign(new TextEncoder().encode(TEST_AUTH_SECRET));
    // Without iat, what is left of it counts: 48 h left is too long.
    const undated = await new SignJWT({ scope: "courses:write" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("undated")
      .setExpirationTime("48h")
      .sign(new TextEncoder().encode(TEST_AUTH_SECRET));
    for (const [token, detail] of [
      [eternal, "The token has no expiry (exp)."],
      [longLived, "The token is invalid."],
      [undated, "The token is invalid."],
      [forged, "The token is invalid."],
      [expired, "The token has expired."],
      [anonymous, "The token has no subject (sub)."],
      ["not.a.jwt", "The token is invalid."],
    ] as const) {
      const res = await post(svc.url, token);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="courses", error="invalid_token"');
      expect(((await res.json()) as { detail: string }).detail).toBe(detail);
    }
  });

  it("needs courses:write to change and courses:admin to delete: 403 insufficient_scope otherwise", async () => {
    const reader = await testToken(["courses:read"], "reader");
    const writer = await testToken(["courses:write"], "writer");
    const admin = await testToken(["courses:admin"], "admin");
    const refused = await post(svc.url, reader);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("www-authenticate")).toBe(
      'Bearer realm="courses", error="insufficient_scope", scope="courses:write"',
    );
    const created = (await (await post(svc.url, writer)).json()) as { id: string };
    const del = (token: string) =>
      fetch(`${svc.url}/v1/courses/${created.id}`, { method: "DELETE", headers: { authorization: `Bearer ${token}` } });
    const byWriter = await del(writer);
    expect(byWriter.status).toBe(403);
    expect(byWriter.headers.get("www-authenticate")).toContain('scope="courses:admin"');
    expect((await del(admin)).status).toBe(204);
  });

  it("scopes Idempotency-Key to the caller: one key from two subjects makes two courses, a retry replays", async () => {
    const key = `key-${crypto.randomUUID()}`;
    const [a, b] = await Promise.all([testToken(["courses:write"], "alice"), testToken(["courses:write"], "bob")]);
    const title = `Idempotent ${key.slice(4, 12)}`;
    const first = await post(svc.url, a, { "idempotency-key": key }, title);
    const retry = await post(svc.url, a, { "idempotency-key": key }, title);
    const other = await post(svc.url, b, { "idempotency-key": key }, title);
    expect([first.status, retry.status, other.status]).toEqual([201, 201, 409]);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    // Bob's request is his own (not a replay of Alice's); it conflicts only on the title's slug.
    expect(other.headers.get("idempotent-replayed")).toBeNull();
  });

  it("records who made a change: the token's subject is the actor of the course's events", async () => {
    const created = (await (await post(svc.url, await testToken(["courses:write"], "ada@example.org"))).json()) as {
      id: string;
    };
    const msgs = await readTopic(
      testKafka(s.kafkaBrokers),
      eventsTopic,
      (m) => m.some((x) => x.key === created.id),
      30_000,
    );
    const event = JSON.parse(msgs.find((m) => m.key === created.id)!.value) as { type: string; actor?: string };
    expect(event).toMatchObject({ type: "courses.course.created.v1", actor: "ada@example.org" });
  });

  it("courses token mints a token the service accepts", async () => {
    const bin = await courseBinary();
    const minted = await run([bin, "token", "--sub", "ops", "--scope", "courses:write", "--ttl", "120"], {
      env: { ...process.env, COURSES_AUTH_HS256_SECRET: TEST_AUTH_SECRET },
    });
    expect(minted.code).toBe(0);
    expect((await post(svc.url, minted.stdout.trim())).status).toBe(201);
  });
});

describe("development token", () => {
  it("is printed at start when auth.devToken is on, and refused in production", async () => {
    const dev = await startService(
      withAuth(
        serviceEnv(s, {
          COURSES_MONGO_DATABASE: database,
          COURSES_TELEMETRY_TRACING_ENABLED: "false",
          COURSES_LOG_LEVEL: "info",
        }),
        {
          COURSES_AUTH_DEV_TOKEN: "true",
        },
      ),
    );
    try {
      expect(dev.lines.some((l) => l.startsWith("development token (auth.devToken"))).toBe(true);
      const token = dev.lines.find((l) => l.startsWith("Bearer "))?.slice("Bearer ".length);
      expect(token).toBeDefined();
      expect((await post(dev.url, token)).status).toBe(201);
    } finally {
      await dev.stop();
    }
    const prod = await startService(
      withAuth(serviceEnv(s, { COURSES_SERVICE_ENVIRONMENT: "production" }), { COURSES_AUTH_DEV_TOKEN: "true" }),
    ).catch((e: Error) => e);
    expect(prod).toBeInstanceOf(Error);
    expect(String(prod)).toContain("exited with 1");
    expect(String(prod)).toContain("never printed in production");
  }, 60_000);
});

describe("JWKS (RS256/ES256) with key rotation", () => {
  it("accepts tokens from the published keys, picks up a rotated key, checks iss and aud", async () => {
    const k1 = await generateKeyPair("ES256");
    const k2 = await generateKeyPair("RS256");
    const jwk = async (k: CryptoKey, kid: string, alg: string) => ({ ...(await exportJWK(k)), kid, alg, use: "sig" });
    let keys = [await jwk(k1.publicKey, "k1", "ES256")];
    let fetches = 0;
    const jwks = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => {
        fetches++;
        return Response.json({ keys });
      },
    });
    const sign = (key: CryptoKey, kid: string, alg: string, claims: { iss?: string; aud?: string } = {}) =>
      new SignJWT({ scope: "courses:write" })
        .setProtectedHeader({ alg, kid })
        .setSubject("idp-user")
        .setIssuer(claims.iss ?? "https://idp.example")
        .setAudience(claims.aud ?? "courses-api")
        .setExpirationTime("5m")
        .sign(key);
    /** A service that takes tokens from the keys published above. */
    const withJwks = (over: Record<string, string>) =>
      startService(
        serviceEnv(s, {
          COURSES_MONGO_DATABASE: `${database}_jwks`,
          COURSES_TELEMETRY_TRACING_ENABLED: "false",
          COURSES_AUTH_ENABLED: "true",
          COURSES_AUTH_HS256_SECRET: "",
          COURSES_AUTH_JWKS_URL: `http://127.0.0.1:${jwks.port}/.well-known/jwks.json`,
          ...over,
        }),
      );
    const idp = await withJwks({ COURSES_AUTH_ISSUER: "https://idp.example", COURSES_AUTH_AUDIENCE: "courses-api" });
    try {
      expect((await post(idp.url, await sign(k1.privateKey, "k1", "ES256"))).status).toBe(201);
      expect(
        (await post(idp.url, await sign(k1.privateKey, "k1", "ES256", { iss: "https://evil.example" }))).status,
      ).toBe(401);
      expect((await post(idp.url, await sign(k1.privateKey, "k1", "ES256", { aud: "other-api" }))).status).toBe(401);
      // Rotation: the provider publishes a new key; a token with its kid makes the service refetch.
      keys = [await jwk(k1.publicKey, "k1", "ES256"), await jwk(k2.publicKey, "k2", "RS256")];
      const before = fetches;
      const rotated = await post(idp.url, await sign(k2.privateKey, "k2", "RS256"));
      // jose refetches an unknown kid at once unless it fetched within its 30 s cooldown.
      if (rotated.status === 401) {
        await Bun.sleep(31_000);
        expect((await post(idp.url, await sign(k2.privateKey, "k2", "RS256"))).status).toBe(201);
      } else {
        expect(rotated.status).toBe(201);
      }
      expect(fetches).toBeGreaterThan(before);
    } finally {
      await idp.stop();
    }
    // Without an audience, any token of the provider would do: said at start.
    const open = await withJwks({ COURSES_AUTH_AUDIENCE: "" });
    try {
      expect(open.entries().some((e) => e.level === 40 && e.setting === "auth.audience")).toBe(true);
    } finally {
      await open.stop();
      jwks.stop(true);
    }
  }, 90_000);
});
