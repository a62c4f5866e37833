// What the action center offers the rest of the app: its page (loaded when first opened) and the
// frame's unread badge.
import { lazy } from "react";

export { OpenBadge } from "./OpenBadge";

export const NotificationsPage = lazy(() =>
  import("./NotificationsPage").then((module) => ({ default: module.NotificationsPage })),
);
