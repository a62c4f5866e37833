import { Dropdown, Option } from "@fluentui/react-components";
import { useIntl } from "react-intl";
import { LANGUAGES, useLanguage, type Language } from "../i18n";

/** The workspace's language, each listed by its own name; the choice is kept for the next visit. */
export function LanguagePicker() {
  const intl = useIntl();
  const { language, choose } = useLanguage();
  const current = LANGUAGES.find((known) => known.code === language);
  return (
    <Dropdown
      className="language-picker"
      aria-label={intl.formatMessage({ id: "language.picker", defaultMessage: "Language" })}
      value={current?.name ?? ""}
      selectedOptions={current ? [current.code] : []}
      onOptionSelect={(_, data) => void choose(data.optionValue as Language)}
    >
      {LANGUAGES.map((known) => (
        <Option key={known.code} value={known.code} lang={known.code}>
          {known.name}
        </Option>
      ))}
    </Dropdown>
  );
}
