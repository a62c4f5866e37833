// Signing in: the sign-in page (part of the first load) and Cognito's return, loaded when needed.
// Who is signed in (the session, its roles and token) is shared code in auth/.
import { lazy } from "react";

export { SignInPage } from "./SignInPage";

export const SignInCallback = lazy(() =>
  import("./SignInCallback").then((module) => ({ default: module.SignInCallback })),
);
