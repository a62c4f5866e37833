import { Badge, Button, FluentProvider, Text, webLightTheme } from "@fluentui/react-components";
import { QueryClientProvider, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useState } from "react";
import { BrowserRouter, Navigate, NavLink, Outlet, Route, Routes, useNavigate } from "react-router-dom";
import { onSessionExpired } from "./api/client";
import { currentSession } from "./auth/session";
import { signOut } from "./auth/signin";
import { LeadsPage } from "./pages/LeadsPage";
import { useUnreadCount } from "./queries";
import { SignInPage } from "./pages/SignInPage";

// The lead's page and its forms load when first opened: the list is what a person sees first.
const LeadPage = lazy(() => import("./pages/LeadPage").then((module) => ({ default: module.LeadPage })));
const ExportPage = lazy(() => import("./pages/ExportPage").then((module) => ({ default: module.ExportPage })));
const ExportsPage = lazy(() => import("./pages/ExportPage").then((module) => ({ default: module.ExportsPage })));
const NotificationsPage = lazy(() =>
  import("./pages/NotificationsPage").then((module) => ({ default: module.NotificationsPage })),
);
const SettingsPage = lazy(() => import("./pages/SettingsPage").then((module) => ({ default: module.SettingsPage })));
const SignInCallback = lazy(() => import("./pages/SignInCallback").then((module) => ({ default: module.SignInCallback })));

export function App({ queries }: { queries: QueryClient }) {
  const [client] = useState(queries);
  return (
    <FluentProvider theme={webLightTheme}>
      <QueryClientProvider client={client}>
        <BrowserRouter basename="/app">
          <Suspense fallback={<Text>Loading…</Text>}>
            <Routes>
              <Route path="/signin" element={<SignInPage />} />
              <Route path="/signin/callback" element={<SignInCallback />} />
              <Route element={<SignedIn />}>
                <Route index element={<LeadsPage />} />
                <Route path="/leads/:leadId" element={<LeadPage />} />
                <Route path="/exports" element={<ExportsPage />} />
                <Route path="/exports/:exportId" element={<ExportPage />} />
                <Route path="/notifications" element={<NotificationsPage />} />
                <Route path="/settings" element={<SettingsPage />} />
              </Route>
              <Route path="*" element={<Navigate to="/" replace />} />
            </Routes>
          </Suspense>
        </BrowserRouter>
      </QueryClientProvider>
    </FluentProvider>
  );
}

/** The workspace's frame, for signed-in people only; an expired session returns to sign-in. */
function SignedIn() {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const session = currentSession();
  useEffect(
    () =>
      onSessionExpired(() => {
        queries.clear();
        navigate("/signin", { replace: true, state: { notice: "Your session has expired: sign in again." } });
      }),
    [navigate, queries],
  );
  if (!session) return <Navigate to="/signin" replace />;
  return (
    <div className="shell">
      <header className="top">
        <Text weight="semibold" size={500}>
          LeadDesk
        </Text>
        <nav aria-label="Workspace">
          <NavLink to="/" end>
            Leads
          </NavLink>
          <NavLink to="/notifications">
            Action center
            <UnreadBadge />
          </NavLink>
          <NavLink to="/exports">Exports</NavLink>
          <NavLink to="/settings">Settings</NavLink>
        </nav>
        <Text className="who">
          {session.partnerId} · {session.roles.join(", ")}
        </Text>
        <Button
          appearance="subtle"
          onClick={() => {
            void signOut().then(() => {
              queries.clear();
              navigate("/signin");
            });
          }}
        >
          Sign out
        </Button>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}

/** The action center's unread count, in its own component: its queries' changes re-render it
 * alone, never the frame (whose redirect on an expired session must keep its notice). */
function UnreadBadge() {
  const unread = useUnreadCount();
  if (!unread.data) return null;
  return (
    <Badge appearance="filled" size="small" className="count" aria-label={`${unread.data} unread`}>
      {unread.data}
    </Badge>
  );
}
