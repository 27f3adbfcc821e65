// Bearer JWT authentication and scopes for the API, verified with jose: HS256 with a shared
// secret, or RS256/ES256 through a JWKS URL (cached; a token signed with an unknown key id makes
// jose fetch the set again, so rotation needs no restart). `iss`, `aud`, `exp` and `nbf` are
// checked with a small clock skew; `exp` and `sub` are required, and a token issued for longer than
// auth.maxTokenLifetime (exp - iat; without iat, exp - now) is refused. Writes need `courses:write`; deleting a course needs
// `courses:admin` (which includes write). Reads are public unless configured otherwise.
import { createRemoteJWKSet, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { AppError } from "../../../lib/xerrors/index.ts";
import { log } from "../../../lib/xlog/index.ts";

export const SCOPES = { write: "courses:write", admin: "courses:admin" } as const;
export const REALM = "courses";

export interface AuthConfig {
  hs256Secret: string;
  jwksUrl: string;
  issuer: string;
  audience: string;
  scopeClaim: string;
  clockSkewMs: number;
  requireForReads: boolean;
  /** Longest `exp - iat` accepted, in ms; 0: any. */
  maxTokenLifetimeMs: number;
}

export interface Principal {
  subject: string;
  scopes: Set<string>;
}

export type Authenticator = (authorization: string | null) => Promise<Principal>;

/** How long a verified token is taken on trust without verifying it again (never past its exp). */
const VERIFIED_TOKEN_TTL_MS = 60_000;
/** Verified tokens remembered at most; the oldest is forgotten first. */
const VERIFIED_TOKENS_MAX = 4096;

export function createAuthenticator(cfg: AuthConfig, now: () => number = Date.now): Authenticator {
  const key = cfg.hs256Secret
    ? new TextEncoder().encode(cfg.hs256Secret)
    : createRemoteJWKSet(new URL(cfg.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  const algorithms = cfg.hs256Secret ? ["HS256"] : ["RS256", "ES256"];
  // A client sends the same token with every request until it expires: verifying its signature
  // each time is costly (docs/PERFORMANCE.md, measured decisions). A token verified here is trusted, by its exact
  // bytes (signature included), until its exp or for VERIFIED_TOKEN_TTL_MS, whichever is first
  // (a key removed from the JWKS stops its tokens that much later than jose's own key cache says).
  // Refusals are not kept.
  const verified = new Map<string, { principal: Principal; until: number }>();
  return async (authorization) => {
    const token = /^Bearer\s+([A-Za-z0-9\-_.]+)\s*$/i.exec(authorization ?? "")?.[1];
    if (!token) throw AppError.unauthenticated("A bearer token is required: Authorization: Bearer <JWT>.");
    const t = now();
    const known = verified.get(token);
    if (known) {
      if (t < known.until) return known.principal;
      verified.delete(token);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Uint8Array, {
        currentDate: new Date(t),
        algorithms,
        clockTolerance: Math.round(cfg.clockSkewMs / 1000),
        ...(cfg.issuer ? { issuer: cfg.issuer } : {}),
        ...(cfg.audience ? { audience: cfg.audience } : {}),
        // A token that never expires is refused: it would be valid forever once leaked.
        requiredClaims: ["exp", "sub"],
      }));
    } catch (e) {
      // The reason goes to the log, not to the client (it would help forge the next attempt).
      log().info({ reason: (e as { code?: string }).code ?? (e as Error).message }, "bearer token refused");
      throw AppError.unauthenticated(refusal(e as { code?: string; claim?: string; reason?: string }), {
        code: "invalid_token",
      });
    }
    if (typeof payload.sub !== "string" || !payload.sub)
      throw AppError.unauthenticated("The token has no subject (sub).", { code: "invalid_token" });
    // Issued for longer than allowed, whatever its age now; without iat, what is left of it counts.
    const issued = typeof payload.iat === "number" ? payload.iat : t / 1000;
    if (cfg.maxTokenLifetimeMs && (payload.exp! - issued) * 1000 > cfg.maxTokenLifetimeMs + cfg.clockSkewMs) {
      log().info({ reason: "lifetime above auth.maxTokenLifetime" }, "bearer token refused");
      throw AppError.unauthenticated("The token is invalid.", { code: "invalid_token" });
    }
    const raw = payload[cfg.scopeClaim];
    const scopes = new Set(
      Array.isArray(raw) ? raw.map(String) : typeof raw === "string" ? raw.split(/\s+/).filter(Boolean) : [],
    );
    const principal = { subject: payload.sub, scopes };
    if (verified.size >= VERIFIED_TOKENS_MAX) verified.delete(verified.keys().next().value!);
    // exp is required above; the clock skew that let it pass is not extended.
    verified.set(token, { principal, until: Math.min(payload.exp! * 1000, t + VERIFIED_TOKEN_TTL_MS) });
    return principal;
  };
}

/** What a client is told of a refused token: a missing claim or expiry, never why a check failed. */
function refusal(e: { code?: string; claim?: string; reason?: string }): string {
  if (e.code === "ERR_JWT_EXPIRED" && e.claim === "exp") return "The token has expired.";
  if (e.code === "ERR_JWT_CLAIM_VALIDATION_FAILED" && e.reason === "missing") {
    if (e.claim === "sub") return "The token has no subject (sub).";
    if (e.claim === "exp") return "The token has no expiry (exp).";
  }
  return "The token is invalid.";
}

/** Throws 403 unless the principal holds `scope` (admin includes write). */
export function requireScope(p: Principal, scope: string): void {
  if (!scope || p.scopes.has(scope) || (scope === SCOPES.write && p.scopes.has(SCOPES.admin))) return;
  throw AppError.permissionDenied(`This operation needs the ${scope} scope.`, {
    code: "insufficient_scope",
    context: { scope },
  });
}

/** The WWW-Authenticate challenge (RFC 6750) for a 401 or 403. */
export function challenge(kind: string, code?: string, scope?: string): string | undefined {
  if (kind === "unauthenticated") return `Bearer realm="${REALM}"${code ? `, error="${code}"` : ""}`;
  if (kind === "permission_denied")
    return `Bearer realm="${REALM}", error="insufficient_scope"${scope ? `, scope="${scope}"` : ""}`;
  return undefined;
}

/** A signed HS256 token, for development and `courses token`. */
export function mintToken(
  secret: string,
  claims: {
    subject: string;
    scopes: string[];
    ttlSeconds: number;
    issuer?: string;
    audience?: string;
    scopeClaim?: string;
  },
): Promise<string> {
  const jwt = new SignJWT({ [claims.scopeClaim ?? "scope"]: claims.scopes.join(" ") })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(`${claims.ttlSeconds}s`);
  if (claims.issuer) jwt.setIssuer(claims.issuer);
  if (claims.audience) jwt.setAudience(claims.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
