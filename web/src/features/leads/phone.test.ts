import { describe, expect, it } from "vitest";
import { phone } from "./phone";

describe("phone numbers", () => {
  it("are shown in international format with an E.164 number to dial", () => {
    expect(phone("+902125550123")).toEqual({ text: "+90 212 555 01 23", dial: "+902125550123" });
    expect(phone("020 7946 0018", "GB")).toEqual({ text: "+44 20 7946 0018", dial: "+442079460018" });
  });

  it("keep what was stored when it is no number", () => {
    expect(phone("call me")).toEqual({ text: "call me" });
  });
});
