// What the exports feature offers the rest of the app: its pages (loaded when first opened) and
// the hook that starts an export of a list.
import { lazy } from "react";

export { useStartExport } from "./queries";

export const ExportPage = lazy(() => import("./ExportPage").then((module) => ({ default: module.ExportPage })));
export const ExportsPage = lazy(() => import("./ExportPage").then((module) => ({ default: module.ExportsPage })));
