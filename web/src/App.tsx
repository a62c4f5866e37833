import { Button, FluentProvider, Text, webLightTheme } from "@fluentui/react-components";
import { QueryClientProvider, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { Suspense, useEffect, useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { BrowserRouter, Navigate, NavLink, Outlet, Route, Routes, useNavigate } from "react-router-dom";
import { Navigation24Regular } from "@fluentui/react-icons";
import { onSessionExpired } from "./api/client";
import { currentSession } from "./auth/session";
import { signOut } from "./auth/signin";
import { LanguagePicker } from "./components/LanguagePicker";
import { ExportPage, ExportsPage } from "./features/exports";
import { LeadPage, LeadsPage } from "./features/leads";
import { NotificationsPage, OpenBadge } from "./features/notifications";
import { SettingsPage } from "./features/settings";
import { IntegrationsPage } from "./features/integrations";
import { SignInCallback, SignInPage } from "./features/signin";
import { I18nProvider } from "./i18n";
import { label, PRODUCT_NAME, ROLE_LABELS } from "./labels";

// The app's shell: the routes and the signed-in frame. Each feature's pages come from its
// index.ts, which decides what loads up front and what loads when first opened.
export function App({ queries }: { queries: QueryClient }) {
  const [client] = useState(queries);
  return (
    <I18nProvider>
      <FluentProvider theme={webLightTheme}>
        <QueryClientProvider client={client}>
          <BrowserRouter basename="/app">
            <Suspense fallback={<Loading />}>
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
                  <Route path="/integrations" element={<IntegrationsPage />} />
                </Route>
                <Route path="*" element={<Navigate to="/" replace />} />
              </Routes>
            </Suspense>
          </BrowserRouter>
        </QueryClientProvider>
      </FluentProvider>
    </I18nProvider>
  );
}

function Loading() {
  return (
    <Text>
      <FormattedMessage id="common.loading" defaultMessage="Loading…" />
    </Text>
  );
}

/** The workspace's frame, for signed-in people only; an expired session returns to sign-in. */
function SignedIn() {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const session = currentSession();
  const intl = useIntl();
  const [menuOpen, setMenuOpen] = useState(false);
  const expired = intl.formatMessage({ id: "signin.expired", defaultMessage: "Your session has expired: sign in again." });
  useEffect(
    () =>
      onSessionExpired(() => {
        queries.clear();
        navigate("/signin", { replace: true, state: { notice: expired } });
      }),
    [navigate, queries, expired],
  );
  if (!session) return <Navigate to="/signin" replace />;
  return (
    <div className="shell">
      <header className="top">
        <Text weight="semibold" size={500}>
          {PRODUCT_NAME}
        </Text>
        <Button
          className="menu-toggle"
          appearance="subtle"
          icon={<Navigation24Regular />}
          aria-expanded={menuOpen}
          aria-controls="frame-menu"
          onClick={() => setMenuOpen((open) => !open)}
        >
          <FormattedMessage id="frame.menu" defaultMessage="Menu" />
        </Button>
        {/* On a phone the menu folds away; choosing a page folds it again. */}
        <div id="frame-menu" className={`menu${menuOpen ? " open" : ""}`} onClick={(event) => (event.target as HTMLElement).closest("a") && setMenuOpen(false)}>
          <nav aria-label={intl.formatMessage({ id: "frame.nav", defaultMessage: "Workspace" })}>
            <NavLink to="/" end>
              <FormattedMessage id="frame.leads" defaultMessage="Leads" />
            </NavLink>
            <NavLink to="/notifications">
              <FormattedMessage id="frame.actionCenter" defaultMessage="Action center" />
              <OpenBadge />
            </NavLink>
            <NavLink to="/exports">
              <FormattedMessage id="frame.exports" defaultMessage="Exports" />
            </NavLink>
            <NavLink to="/settings">
              <FormattedMessage id="frame.settings" defaultMessage="Settings" />
            </NavLink>
            <NavLink to="/integrations">
              <FormattedMessage id="frame.integrations" defaultMessage="Integrations" />
            </NavLink>
          </nav>
          <Text className="who">
            {intl.formatMessage(
              { id: "frame.who", defaultMessage: "{partner} · {roles}" },
              { partner: session.partnerId, roles: intl.formatList(session.roles.map((role) => label(intl, ROLE_LABELS, role))) },
            )}
          </Text>
          <LanguagePicker />
          <Button
            appearance="subtle"
            onClick={() => {
              void signOut().then(() => {
                queries.clear();
                navigate("/signin");
              });
            }}
          >
            <FormattedMessage id="frame.signOut" defaultMessage="Sign out" />
          </Button>
        </div>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
