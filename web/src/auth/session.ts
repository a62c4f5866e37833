// Who is signed in: the bearer token and what its claims say (tenant, roles, expiry).
// The token is kept for the browser tab's session only (sessionStorage).

export type Role = "referrals_admin" | "profile_admin" | "viewer";

export interface Session {
  token: string;
  partnerId: string;
  roles: Role[];
  subject: string;
  expiresAt: number; // epoch seconds
}

const KEY = "leaddesk.session";

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1];
  if (!payload) throw new Error("not a JWT");
  const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(decodeURIComponent(escape(json))) as Record<string, unknown>;
}

function rolesOf(groups: unknown): Role[] {
  const known: Role[] = ["referrals_admin", "profile_admin", "viewer"];
  const list = Array.isArray(groups) ? groups : typeof groups === "string" ? groups.split(/[\s,[\]]+/) : [];
  return list.filter((group): group is Role => known.includes(group as Role));
}

export function sessionFromToken(token: string): Session {
  const claims = claimsOf(token);
  return {
    token,
    partnerId: String(claims["custom:partner_id"] ?? ""),
    roles: rolesOf(claims["cognito:groups"]),
    subject: String(claims.sub ?? ""),
    expiresAt: Number(claims.exp ?? 0),
  };
}

export function currentSession(): Session | null {
  const token = sessionStorage.getItem(KEY);
  if (!token) return null;
  try {
    const session = sessionFromToken(token);
    return session.expiresAt * 1000 > Date.now() ? session : null;
  } catch {
    return null;
  }
}

export function keepSession(token: string): Session {
  sessionStorage.setItem(KEY, token);
  return sessionFromToken(token);
}

export function dropSession(): void {
  sessionStorage.removeItem(KEY);
}

export function canAct(session: Session | null): boolean {
  return session?.roles.includes("referrals_admin") ?? false;
}

export function canChangeSettings(session: Session | null): boolean {
  return session?.roles.some((role) => role === "referrals_admin" || role === "profile_admin") ?? false;
}
