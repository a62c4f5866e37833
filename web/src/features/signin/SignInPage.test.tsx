// Signing in against a mocked API: a person signed out is sent to the sign-in form, and an
// expired session (any 401) returns there with a notice.
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { answer } from "../../testing/api";
import { renderApp } from "../../testing/render";

describe("signing in", () => {
  it("sends a person who is not signed in to the sign-in form", async () => {
    renderApp("/settings", null);
    expect(await screen.findByRole("button", { name: "Sign in" })).toBeTruthy();
    expect(window.location.pathname).toBe("/app/signin");
  });

  it("returns to it with a notice when the session has expired", async () => {
    answer("get", "/leads", { message: "The token has expired" }, 401);
    renderApp("/");
    expect(await screen.findByText("Your session has expired: sign in again.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Sign in" })).toBeTruthy();
    expect(window.location.pathname).toBe("/app/signin");
  });
});
