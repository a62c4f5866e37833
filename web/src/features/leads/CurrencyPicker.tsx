import { Combobox, Option } from "@fluentui/react-components";
import { useMemo, useState } from "react";
import { useIntl } from "react-intl";
import { CURRENCIES } from "../../api/listFilters";
import { useFormats } from "../../i18n";
import { SHOW_CHOICES } from "../../labels";

/** "EUR — Euro": the code, then the currency's name in the person's language. */
function currencyText(code: string, name: string): string {
  return name === code ? code : `${code} — ${name}`;
}

/** A currency among the API's ISO 4217 codes, found by typing its code or part of its name. */
export function CurrencyPicker({ value, onChange }: { value: string; onChange: (code: string) => void }) {
  const format = useFormats();
  const intl = useIntl();
  const all = useMemo(() => CURRENCIES.map((code) => [code, currencyText(code, format.currency(code))] as const), [format]);
  const chosen = all.find(([code]) => code === value);
  const [typed, setTyped] = useState<string>();
  const text = typed ?? (chosen ? chosen[1] : value);
  const wanted = (typed ?? "").trim().toLowerCase();
  const shown = wanted ? all.filter(([, name]) => name.toLowerCase().includes(wanted)) : all;
  return (
    <Combobox
      expandIcon={{ "aria-label": intl.formatMessage(SHOW_CHOICES) }}
      value={text}
      selectedOptions={chosen ? [chosen[0]] : []}
      onChange={(event) => setTyped(event.target.value)}
      onOptionSelect={(_, data) => {
        if (data.optionValue) onChange(data.optionValue);
        setTyped(undefined);
      }}
      onBlur={() => {
        // A code typed in full, or text only one currency matches, is that currency.
        const exact = all.find(([code]) => code.toLowerCase() === wanted);
        const only = shown.length === 1 ? shown[0] : undefined;
        const picked = wanted ? (exact ?? only) : undefined;
        if (picked) onChange(picked[0]);
        setTyped(undefined);
      }}
    >
      {shown.map(([code, name]) => (
        <Option key={code} value={code} text={name}>
          {name}
        </Option>
      ))}
    </Combobox>
  );
}
