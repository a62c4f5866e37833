// What the integrations feature offers the rest of the app: its page, loaded when first opened.
import { lazy } from "react";

export const IntegrationsPage = lazy(() =>
  import("./IntegrationsPage").then((module) => ({ default: module.IntegrationsPage })),
);
