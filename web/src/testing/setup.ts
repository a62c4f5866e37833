// Vitest's setup for every test file: the mocked API (unanswered requests fail the test), the
// runtime configuration loaded from it, and a clean page and session after each test.
import { cleanup, configure } from "@testing-library/react";
import { afterAll, afterEach, beforeAll } from "vitest";
import { loadConfig } from "../config";
import { server } from "./api";

// Role queries skip the visibility check (jsdom's getComputedStyle for every element and each of
// its ancestors, per query: most of a test's time); the tests assert what is in the page instead.
// The first render of a lazily loaded page takes longer than the default second (seconds on busy
// shared cores): an element is awaited up to 10 s.
configure({ defaultHidden: true, asyncUtilTimeout: 10_000 });

// jsdom has no ResizeObserver; Fluent's MessageBar observes its own width.
class NoResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
window.ResizeObserver ??= NoResizeObserver;
globalThis.ResizeObserver ??= NoResizeObserver;

beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  await loadConfig();
});

afterEach(() => {
  cleanup();
  server.resetHandlers();
  sessionStorage.clear();
});

afterAll(() => server.close());
