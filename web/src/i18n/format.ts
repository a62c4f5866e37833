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
}

export function formats(intl: IntlShape): Formats {
  let regions: Intl.DisplayNames | undefined;
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
  };
}

export function useFormats(): Formats {
  const intl = useIntl();
  return useMemo(() => formats(intl), [intl]);
}
