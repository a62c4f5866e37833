// Render the whole app (its real QueryClient, router and routes) at an address, signed in.
import { createDOMRenderer, RendererProvider } from "@fluentui/react-components";
import { render, type RenderResult } from "@testing-library/react";
import userEvent, { type UserEvent } from "@testing-library/user-event";
import { newQueryClient } from "../api/queryClient";
import { App } from "../App";
import { keepSession, type Role } from "../auth/session";

function base64url(value: object): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Sign in as the API's local tokens do: a JWT carrying the partner and the role (unsigned here;
 * the app reads its claims, the mocked API does not check it). */
export function signInAs(role: Role, partnerId = "p-test"): string {
  const claims = { sub: "person-1", "custom:partner_id": partnerId, "cognito:groups": [role], exp: 4_102_444_800 };
  const token = `${base64url({ alg: "none", typ: "JWT" })}.${base64url(claims)}.signature`;
  keepSession(token);
  return token;
}

// Fluent's styles are not inserted: jsdom lays nothing out, and parsing thousands of CSS rules
// is most of a render's time there.
const unstyled = createDOMRenderer(document, { unstable_filterCSSRule: () => false });

/** The app at `path` (under /app), signed in with `role` (or not at all: null). */
export function renderApp(path: string, role: Role | null = "referrals_admin"): RenderResult & { user: UserEvent } {
  if (role) signInAs(role);
  window.history.replaceState(null, "", `/app${path}`);
  const user = userEvent.setup({ delay: null });
  return {
    user,
    ...render(
      <RendererProvider renderer={unstyled}>
        <App queries={newQueryClient()} />
      </RendererProvider>,
    ),
  };
}
