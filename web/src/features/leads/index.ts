// What the leads feature offers the rest of the app. The list is what a person sees first, so it
// is part of the first load; the lead's page and its forms load when first opened.
import { lazy } from "react";

export { LeadsPage } from "./LeadsPage";
export { prefetchList } from "./queries";

export const LeadPage = lazy(() => import("./LeadPage").then((module) => ({ default: module.LeadPage })));
