import { Dropdown, Option } from "@fluentui/react-components";
import { useIntl } from "react-intl";
import { label, options, type Labels } from "../labels";

/** One value among those of a label table, each shown by its label (none chosen: the placeholder). */
export function ChoiceDropdown<K extends string>({
  labels,
  value,
  onChange,
  placeholder,
}: {
  labels: Labels<K>;
  value: K | undefined;
  onChange: (value: K) => void;
  placeholder?: string;
}) {
  const intl = useIntl();
  return (
    <Dropdown
      placeholder={placeholder}
      value={value ? label(intl, labels, value) : ""}
      selectedOptions={value ? [value] : []}
      onOptionSelect={(_, data) => data.optionValue && onChange(data.optionValue as K)}
    >
      {options(intl, labels).map(([option, text]) => (
        <Option key={option} value={option}>
          {text}
        </Option>
      ))}
    </Dropdown>
  );
}
