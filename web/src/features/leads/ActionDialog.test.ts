import { describe, expect, it } from "vitest";
import { aLead } from "../../testing/api";
import { english } from "../../testing/intl";
import { bodyOf, initialValues, problems, teamChange } from "./ActionDialog";

describe("the action forms' checks", () => {
  it("accept needs a deal name, a value of 0 or more, a currency of the list and a close date", () => {
    expect(problems("accept", { currency: "USD" }, english)).toEqual({
      deal_name: "Deal name is required",
      estimated_value: "Estimated value is required",
      estimated_close_date: "Estimated close date is required",
    });
    expect(problems("accept", { deal_name: "D", estimated_value: "-1", estimated_close_date: "2027-01-31", currency: "EURO" }, english)).toEqual({
      estimated_value: "Enter an amount of 0 or more",
      currency: "Pick a currency from the list",
    });
  });

  it("a reason of Other needs notes; evaluate needs one of the four; an edit must change something", () => {
    expect(problems("decline", { reason: "other" }, english)).toEqual({ notes: "Notes are required when the reason is Other" });
    expect(problems("decline", { reason: "other", notes: "moved on" }, english)).toEqual({});
    expect(Object.keys(problems("evaluate", { notes: "x" }, english))).toEqual(["budget"]);
    const opened = initialValues("edit", aLead({ status: "accepted", deal_name: "D", estimated_value: 5, currency: "EUR", estimated_close_date: "2027-01-31" }));
    expect(problems("edit", opened, english, opened)).toEqual({ deal_name: "Nothing changed yet: change a field or the team, or cancel" });
    expect(problems("edit", opened, english, opened, true)).toEqual({}); // a team change is a change
  });

  it("accept opens with what the lead carries: value, currency, campaign, CRM id and notes", () => {
    const lead = aLead({ lead_type: "sales_qualified", estimated_value: 85000, currency: "EUR", campaign_id: "FY27-ERP-EMEA", notes: "ERP rollout, 400 seats" });
    expect(initialValues("accept", lead)).toEqual({
      deal_name: "",
      estimated_value: "85000",
      currency: "EUR",
      estimated_close_date: "",
      crm_id: "",
      campaign_id: "FY27-ERP-EMEA",
      notes: "ERP rollout, 400 seats",
    });
    expect(initialValues("accept", aLead()).currency).toBe("USD"); // nothing carried: the API's default
    expect(initialValues("decline", lead)).toEqual({});
  });

  it("accept sends what is filled in; an edit only what changed (an emptied optional field as null)", () => {
    expect(bodyOf("accept", { deal_name: " Deal ", estimated_value: "1200.5", currency: "eur", estimated_close_date: "2027-01-31", notes: "" })).toEqual({
      deal_name: "Deal",
      estimated_value: 1200.5,
      currency: "EUR",
      estimated_close_date: "2027-01-31",
    });
    expect(bodyOf("qualify", { customer_responded: "no" })).toEqual({ customer_responded: false });
    const opened = { deal_name: "D", estimated_value: "5", currency: "EUR", estimated_close_date: "2027-01-31", crm_id: "CRM-1", campaign_id: "", notes: "n" };
    expect(bodyOf("edit", opened, opened)).toEqual({});
    expect(bodyOf("edit", { ...opened, estimated_value: "7", crm_id: "" }, opened)).toEqual({ estimated_value: 7, crm_id: null });
  });

  it("an edit's team change names who was added and who was removed", () => {
    const ana = { name: "Ana", email: "ana@contoso.test" };
    const bo = { name: "Bo", email: "bo@contoso.test", phone: "+3612345678" };
    expect(teamChange([ana], [ana])).toEqual({});
    expect(teamChange([ana], [bo])).toEqual({ team_add: [bo], team_remove: ["ana@contoso.test"] });
  });
});
