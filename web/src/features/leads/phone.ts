// Phone numbers as people read and dial them: international format ("+90 212 555 01 23") and a
// tel: link, through libphonenumber-js (its small "min" metadata); the lead's country is the
// region of a number written without its country code.
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/min";

export interface Phone {
  /** As shown: international format, or the number as stored when it cannot be read. */
  text: string;
  /** For a tel: link (E.164), when the number can be read. */
  dial?: string;
}

export function phone(raw: string, country?: string | null): Phone {
  const parsed = parsePhoneNumberFromString(raw, (country?.toUpperCase() || undefined) as CountryCode | undefined);
  if (!parsed) return { text: raw };
  return { text: parsed.formatInternational(), dial: parsed.number };
}
