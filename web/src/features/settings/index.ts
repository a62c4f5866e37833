// What the settings feature offers the rest of the app: its page, loaded when first opened.
import { lazy } from "react";

export const SettingsPage = lazy(() => import("./SettingsPage").then((module) => ({ default: module.SettingsPage })));
