// Signing in: the local stack's form (a local-only route mints a token) or Cognito's hosted UI
// (authorization code with PKCE, through oidc-client-ts).
import type { UserManager } from "oidc-client-ts";
import { config } from "../config";
import { dropSession, keepSession, type Role, type Session } from "./session";

export async function signInLocally(partnerId: string, role: Role): Promise<Session> {
  const answer = await fetch(`${config().apiUrl}/_local/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ partner_id: partnerId, role }),
  });
  if (!answer.ok) {
    const body = (await answer.json().catch(() => ({}))) as { message?: string };
    throw new Error(body.message ?? `sign-in refused (${answer.status})`);
  }
  const { token } = (await answer.json()) as { token: string };
  return keepSession(token);
}

let manager: UserManager | undefined;

async function cognito(): Promise<UserManager> {
  const auth = config().auth;
  if (auth.mode !== "cognito") throw new Error("this stage signs in locally");
  if (!manager) {
    const { UserManager, WebStorageStateStore } = await import("oidc-client-ts");
    manager = new UserManager({
      authority: auth.authority,
      client_id: auth.clientId,
      redirect_uri: auth.redirectUri,
      post_logout_redirect_uri: auth.logoutUri,
      response_type: "code", // authorization code; oidc-client-ts adds PKCE
      scope: "openid email profile",
      userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    });
  }
  return manager;
}

export async function startHostedSignIn(): Promise<void> {
  await (await cognito()).signinRedirect();
}

export async function finishHostedSignIn(): Promise<Session> {
  const user = await (await cognito()).signinRedirectCallback();
  // The API's JWT authorizer takes the ID token: it carries custom:partner_id and cognito:groups.
  if (!user.id_token) throw new Error("Cognito returned no ID token");
  return keepSession(user.id_token);
}

export async function signOut(): Promise<void> {
  dropSession();
  const auth = config().auth;
  if (auth.mode === "cognito") {
    window.location.assign(`${auth.domain}/logout?client_id=${auth.clientId}&logout_uri=${encodeURIComponent(auth.logoutUri)}`);
  }
}
