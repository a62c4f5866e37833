// An export's page and the recent exports against a mocked API: the progress while the file is
// written, a failure with its reason, the list and its empty state.
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { answer } from "../../testing/api";
import { renderApp } from "../../testing/render";

const JOB = {
  export_id: "exp-1",
  status: "running",
  rows: 3,
  expected_rows: 10,
  progress: 0.3,
  request: { tab: "qualified", lead_quality: ["high"], bom: false, include_test: true },
  created_at: "2026-12-06T02:00:00Z",
};

describe("an export", () => {
  it("shows its progress and what it exports while the file is written", async () => {
    answer("get", "/exports/:exportId", JOB);
    renderApp("/exports/exp-1");
    // The bar is named by its field's label, the export's state.
    const bar = await screen.findByRole("progressbar", { name: "Writing the file" });
    expect(bar.getAttribute("aria-valuenow")).toBe("0.3");
    expect(screen.getByText("3 of 10 leads")).toBeTruthy();
    expect(screen.getByText(/^Qualified leads, filters: Quality: High · with test leads · started/)).toBeTruthy();
    expect(screen.queryByRole("link", { name: "Download CSV" })).toBeNull();
  });

  it("says why it failed", async () => {
    answer("get", "/exports/:exportId", { ...JOB, status: "failed", progress: null, reason: "The file could not be written" });
    renderApp("/exports/exp-1");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("The export failed");
    expect(alert.textContent).toContain("The file could not be written. Start it again from the list.");
    expect(screen.queryByRole("progressbar")).toBeNull();
  });
});

describe("the recent exports", () => {
  it("lists each with its tab, filters, status and rows, linked to its page", async () => {
    answer("get", "/exports", { items: [{ ...JOB, status: "succeeded", rows: 10 }], next_cursor: null });
    renderApp("/exports");
    const table = await screen.findByRole("table", { name: "Exports" });
    const [, row] = within(table).getAllByRole("row") as [HTMLElement, HTMLElement];
    const cells = within(row).getAllByRole("cell").map((cell) => cell.textContent);
    expect(cells.slice(1)).toEqual(["Qualified leads", "Quality: High · with test leads", "Ready", "10"]);
    expect(within(row).getByRole("link").getAttribute("href")).toBe("/app/exports/exp-1");
  });

  it("says when there is none yet", async () => {
    renderApp("/exports");
    expect(await screen.findByText("No exports yet: use Export on the leads list.")).toBeTruthy();
  });
});
