// The authenticator's memory of verified tokens: it saves the signature check, never the rules.
import { describe, expect, it } from "bun:test";
import { SignJWT } from "jose";
import { type AuthConfig, createAuthenticator, mintToken } from "./auth.ts";

const SECRET = "unit-test-hs256-secret-0123456789abcdef";
const cfg: AuthConfig = {
  hs256Secret: SECRET,
  jwksUrl: "",
  issuer: "",
  audience: "",
  scopeClaim: "scope",
  clockSkewMs: 0,
  requireForReads: false,
  maxTokenLifetimeMs: 24 * 3600_000,
};
const bearer = (t: string) => `Bearer ${t}`;
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => "accepted",
    (e: Error) => e.message,
  );

describe("verified tokens", () => {
  it("a remembered token still expires at its exp", async () => {
    let clock = Date.now();
    const auth = createAuthenticator(cfg, () => clock);
    const token = await mintToken(SECRET, { subject: "ada", scopes: ["courses:write"], ttlSeconds: 30 });
    expect((await auth(bearer(token))).subject).toBe("ada");
    clock += 10_000;
    expect((await auth(bearer(token))).subject).toBe("ada");
    clock += 25_000; // past exp, within the memory's TTL
    expect(await refusal(auth(bearer(token)))).toBe("The token has expired.");
  });

  it("another signature over the same claims is refused after the genuine token was remembered", async () => {
    const auth = createAuthenticator(cfg);
    const token = await mintToken(SECRET, { subject: "ada", scopes: ["courses:admin"], ttlSeconds: 600 });
    expect((await auth(bearer(token))).scopes.has("courses:admin")).toBe(true);
    const [h, p, sig] = token.split(".");
    const flipped = `${h}.${p}.${sig!.slice(0, -2)}${sig!.endsWith("AA") ? "BA" : "AA"}`;
    expect(await refusal(auth(bearer(flipped)))).toBe("The token is invalid.");
    const forged = await new SignJWT({ scope: "courses:admin" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("ada")
      .setIssuedAt()
      .setExpirationTime("600s")
      .sign(new TextEncoder().encode("another-secret-0123456789abcdef-xyz"));
    expect(await refusal(auth(bearer(forged)))).toBe("The token is invalid.");
  });

  it("each token keeps its own principal", async () => {
    const auth = createAuthenticator(cfg);
    const reader = await mintToken(SECRET, { subject: "bob", scopes: [], ttlSeconds: 600 });
    const writer = await mintToken(SECRET, { subject: "ada", scopes: ["courses:write"], ttlSeconds: 600 });
    await auth(bearer(writer));
    const p = await auth(bearer(reader));
    expect(p.subject).toBe("bob");
    expect(p.scopes.size).toBe(0);
  });
});
