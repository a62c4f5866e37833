// The list's filter controls. Each applies as a person expects: a choice at once, a text on Enter
// or when typing pauses, a date when picked, a country picked by its name; the address is the one
// source of truth (a control shows what the address says, so Clear filters empties every one).
import { Combobox, Dropdown, Field, Input, Option } from "@fluentui/react-components";
import { useEffect, useMemo, useState } from "react";
import { useIntl } from "react-intl";
import type { ListQuery } from "../../api/client";
import { LIST_FILTERS } from "../../api/listFilters";
import { defineMessages, useFormats } from "../../i18n";
import { FIELD_LABELS, label, options, SHOW_CHOICES, type Labels } from "../../labels";

/** How long typing must pause before a text filter applies. */
export const TYPING_PAUSE_MS = 400;

export const FILTER_PROBLEMS = defineMessages({
  leftOut: { id: "filters.leftOut", defaultMessage: "Left out, not a value of this filter: {values}" },
  notADate: { id: "filters.notADate", defaultMessage: "Left out, not a date: {values}" },
  any: { id: "leads.filterAny", defaultMessage: "Any" },
  countryHint: { id: "filters.countryHint", defaultMessage: "Type a country's name" },
});

export function ChoiceFilter({
  name,
  labels,
  selected,
  problem,
  onChange,
}: {
  name: keyof typeof FIELD_LABELS;
  labels: Labels<string>;
  selected: string[];
  problem?: string;
  onChange: (values: string[]) => void;
}) {
  const intl = useIntl();
  return (
    <Field label={intl.formatMessage(FIELD_LABELS[name])} validationMessage={problem} validationState={problem ? "warning" : undefined}>
      <Dropdown
        multiselect
        placeholder={intl.formatMessage(FILTER_PROBLEMS.any)}
        selectedOptions={selected}
        value={intl.formatList(selected.map((value) => label(intl, labels, value)))}
        onOptionSelect={(_, data) => onChange(data.selectedOptions)}
      >
        {options(intl, labels).map(([value, text]) => (
          <Option key={value} value={value}>
            {text}
          </Option>
        ))}
      </Dropdown>
    </Field>
  );
}

/** The values of a comma-separated text, as the address keeps them. */
export function textValues(text: string): string[] {
  return text
    .split(",")
    .map((value) => value.trim())
    .filter(Boolean);
}

/** A free-text filter (values separated by commas): applies on Enter, when typing pauses, and
 * when the field is left. */
export function TextFilter({ label: title, value, onApply }: { label: string; value: string; onApply: (values: string[]) => void }) {
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  // The address changed (Clear filters, back, another tab): the field shows what it now says.
  if (value !== shown) {
    setShown(value);
    setText(value);
  }
  const pending = textValues(text).join(", ") !== value;
  useEffect(() => {
    if (!pending) return;
    const timer = window.setTimeout(() => onApply(textValues(text)), TYPING_PAUSE_MS);
    return () => window.clearTimeout(timer);
  }, [pending, text, onApply]);

  function apply() {
    if (pending) onApply(textValues(text));
  }

  return (
    <Field label={title}>
      <Input
        type="search"
        value={text}
        onChange={(_, data) => setText(data.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter") {
            event.preventDefault();
            apply();
          }
        }}
        onBlur={apply}
      />
    </Field>
  );
}

/** A date filter: applies when a date is picked (or emptied). */
export function DateFilter({ label: title, value, problem, onApply }: { label: string; value: string; problem?: string; onApply: (date: string) => void }) {
  return (
    <Field label={title} validationMessage={problem} validationState={problem ? "warning" : undefined}>
      <Input
        type="date"
        value={value}
        onChange={(_, data) => {
          if (data.value === "" || /^\d{4}-\d{2}-\d{2}$/.test(data.value)) onApply(data.value);
        }}
      />
    </Field>
  );
}

/** Countries by name, in the person's language; the address keeps their ISO codes. */
export function CountryFilter({ selected, problem, onChange }: { selected: string[]; problem?: string; onChange: (codes: string[]) => void }) {
  const intl = useIntl();
  const format = useFormats();
  const [typed, setTyped] = useState("");
  const [typing, setTyping] = useState(false);
  const countries = useMemo(
    () =>
      (LIST_FILTERS.country.values as readonly string[])
        .map((code) => [code, format.country(code) ?? code] as const)
        .sort(([, a], [, b]) => a.localeCompare(b, intl.locale)),
    [format, intl.locale],
  );
  const wanted = typed.trim().toLocaleLowerCase(intl.locale);
  const shown = wanted
    ? countries.filter(([code, name]) => name.toLocaleLowerCase(intl.locale).includes(wanted) || code.toLowerCase() === wanted)
    : countries;
  const names = selected.map((code) => format.country(code) ?? code);
  return (
    <Field label={intl.formatMessage(FIELD_LABELS.country)} validationMessage={problem} validationState={problem ? "warning" : undefined}>
      <Combobox
        expandIcon={{ "aria-label": intl.formatMessage(SHOW_CHOICES) }}
        multiselect
        freeform
        placeholder={intl.formatMessage(FILTER_PROBLEMS.countryHint)}
        value={typing ? typed : intl.formatList(names)}
        onFocus={() => setTyping(true)}
        selectedOptions={selected}
        onChange={(event) => setTyped(event.target.value)}
        onOptionSelect={(_, data) => {
          setTyped("");
          onChange(data.selectedOptions);
        }}
        onBlur={() => {
          setTyping(false);
          setTyped("");
        }}
      >
        {shown.map(([code, name]) => (
          <Option key={code} value={code} text={name}>
            {name}
          </Option>
        ))}
      </Combobox>
    </Field>
  );
}

/** The message beside a control whose address values were left out. */
export function leftOut(intl: ReturnType<typeof useIntl>, rejected: Record<string, string[]>, name: keyof ListQuery): string | undefined {
  const values = rejected[name];
  if (!values?.length) return undefined;
  const message = name === "created_from" || name === "created_to" ? FILTER_PROBLEMS.notADate : FILTER_PROBLEMS.leftOut;
  return intl.formatMessage(message, { values: intl.formatList(values) });
}
