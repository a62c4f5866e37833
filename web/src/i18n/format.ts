// Dates, amounts and countries as the person's language writes them (Intl, through react-intl's
// cached formatters). Dates and times show their time zone.
import { useMemo } from "react";
import { useIntl, type IntlShape } from "react-intl";
import { NONE } from "../labels";

export interface Formats {
  /** A moment (ISO 8601), with its time zone; "—" when there is none. */
  dateTime: (iso: string | null | undefined) => string;
  /** A calendar date (YYYY-MM-DD), the same day wherever the reader is. */
  date: (isoDate: string | null | undefined) => string | undefined;
  money: (amount: number, currency: string | null | undefined) => string;
  number: (value: number) => string;
  /** An ISO 3166-1 alpha-2 code as the language names the country (the code if Intl has no name). */
  country: (code: string | null | undefined) => string | undefined;
  /** An ISO 4217 code as the language names the currency ("Euro"; the code if Intl has no name). */
  currency: (code: string) => string;
  /** How far a moment is from `now`, in the largest whole unit: "in 3 days", "5 hours ago". */
  relative: (iso: string, now?: number) => string;
}

const MINUTE: [Intl.RelativeTimeFormatUnit, number] = ["minute", 60_000];
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [["day", 86_400_000], ["hour", 3_600_000], MINUTE];

export function formats(intl: IntlShape): Formats {
  let regions: Intl.DisplayNames | undefined;
  let currencies: Intl.DisplayNames | undefined;
  return {
    dateTime: (iso) =>
      iso
        ? intl.formatDate(iso, {
            year: "numeric",
            month: "short",
            day: "numeric",
            hour: "2-digit",
            minute: "2-digit",
            timeZoneName: "short",
          })
        : NONE,
    date: (isoDate) =>
      isoDate ? intl.formatDate(`${isoDate.slice(0, 10)}T00:00:00Z`, { dateStyle: "medium", timeZone: "UTC" }) : undefined,
    money: (amount, currency) => {
      try {
        return intl.formatNumber(amount, { style: "currency", currency: currency || "USD" });
      } catch {
        return `${intl.formatNumber(amount)} ${currency ?? ""}`.trim();
      }
    },
    number: (value) => intl.formatNumber(value),
    country: (code) => {
      if (!code) return undefined;
      try {
        regions ??= new Intl.DisplayNames([intl.locale], { type: "region", fallback: "code" });
        return regions.of(code.toUpperCase()) ?? code;
      } catch {
        return code;
      }
    },
    currency: (code) => {
      try {
        currencies ??= new Intl.DisplayNames([intl.locale], { type: "currency", fallback: "code" });
        return currencies.of(code) ?? code;
      } catch {
        return code;
      }
    },
    relative: (iso, now = Date.now()) => {
      const delta = Date.parse(iso) - now;
      const [unit, size] = UNITS.find(([, length]) => Math.abs(delta) >= length) ?? MINUTE;
      // Whole units towards zero: "2 days left" until the third day has fully begun.
      return intl.formatRelativeTime(Math.trunc(delta / size), unit, { numeric: "auto" });
    },
  };
}

export function useFormats(): Formats {
  const intl = useIntl();
  return useMemo(() => formats(intl), [intl]);
}
