// Messages defined in code, English as their default: the extraction (npm run i18n:extract) finds
// every `defineMessages`, `intl.formatMessage` and `<FormattedMessage>` by name.
import type { MessageDescriptor } from "react-intl";

/** react-intl's `defineMessages`, without its typed values: a map of plain descriptors. */
export function defineMessages<K extends string>(messages: Record<K, MessageDescriptor>): Record<K, MessageDescriptor> {
  return messages;
}
