// The messages in English (their defaults in the code), for unit tests of functions that take
// the person's language.
import { createIntl } from "react-intl";

export const english = createIntl({ locale: "en", defaultLocale: "en", messages: {} });
