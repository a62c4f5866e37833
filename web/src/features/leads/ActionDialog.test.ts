import { describe, expect, it } from "vitest";
import { english } from "../../testing/intl";
import { bodyOf, problems } from "./ActionDialog";

describe("the action forms' checks", () => {
  it("accept needs a deal name, a value of 0 or more and a close date", () => {
    expect(problems("accept", { currency: "USD" }, english)).toEqual({
      deal_name: "Deal name is required",
      estimated_value: "Estimated value is required",
      estimated_close_date: "Estimated close date is required",
    });
    expect(problems("accept", { deal_name: "D", estimated_value: "-1", estimated_close_date: "2027-01-31", currency: "EURO" }, english)).toEqual({
      estimated_value: "Enter an amount of 0 or more",
      currency: "Three letters, e.g. USD",
    });
  });

  it("a reason of Other needs notes; evaluate needs one of the four; edit one change", () => {
    expect(problems("decline", { reason: "other" }, english)).toEqual({ notes: "Notes are required when the reason is Other" });
    expect(problems("decline", { reason: "other", notes: "moved on" }, english)).toEqual({});
    expect(Object.keys(problems("evaluate", { notes: "x" }, english))).toEqual(["budget"]);
    expect(Object.keys(problems("edit", {}, english))).toEqual(["deal_name"]);
  });

  it("bodies carry only what was filled in, typed as the API wants", () => {
    expect(bodyOf("accept", { deal_name: " Deal ", estimated_value: "1200.5", currency: "eur", estimated_close_date: "2027-01-31", notes: "" })).toEqual({
      deal_name: "Deal",
      estimated_value: 1200.5,
      currency: "EUR",
      estimated_close_date: "2027-01-31",
    });
    expect(bodyOf("qualify", { customer_responded: "no" })).toEqual({ customer_responded: false });
  });
});
