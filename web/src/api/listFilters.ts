// Generated from docs/openapi.json by `npm run api-types` (scripts/list-filters.mjs); do not edit.
// The list filters of GET /leads: each one's values (null: free text) and the tabs offering it;
// and the currencies (ISO 4217) an amount may carry.
import type { components, paths } from "./schema";

type ListQuery = NonNullable<paths["/leads"]["get"]["parameters"]["query"]>;
type Tab = components["schemas"]["Tab"];
type Described = {
  [Name in keyof ListQuery]?: {
    values: NonNullable<ListQuery[Name]> extends (infer Value)[] ? readonly Value[] | null : never;
    tabs: readonly Tab[];
  };
};

export const LIST_FILTERS = {
  call_to_action: {
    values: ["contact_me", "get_it_now", "free_trial", "test_drive", "create"],
    tabs: ["marketplace", "favorites"],
  },
  country: {
    values: ["AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"],
    tabs: ["marketplace", "qualified", "favorites"],
  },
  customer_name: {
    values: null,
    tabs: ["marketplace", "qualified", "favorites"],
  },
  lead_source: {
    values: ["appsource", "azure_marketplace", "azure_portal", "power_bi"],
    tabs: ["marketplace", "favorites"],
  },
  lead_type: {
    values: ["offer", "profile", "marketing_qualified", "sales_qualified", "joint_planning", "shared_marketing"],
    tabs: ["marketplace", "qualified", "favorites"],
  },
  lead_quality: {
    values: ["high", "medium", "low"],
    tabs: ["marketplace", "qualified", "favorites"],
  },
  status: {
    values: ["received", "accepted", "archived", "informational"],
    tabs: ["marketplace", "qualified", "favorites"],
  },
  email_validity: {
    values: ["valid", "invalid", "spam", "unknown"],
    tabs: ["marketplace", "qualified", "favorites"],
  },
  phone_validity: {
    values: ["valid", "invalid", "unknown"],
    tabs: ["marketplace", "qualified", "favorites"],
  },
} as const satisfies Described;

export const CURRENCIES = ["AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAD", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG", "XDR", "XOF", "XPD", "XPF", "XPT", "XSU", "XTS", "XUA", "XXX", "YER", "ZAR", "ZMW", "ZWG"] as const satisfies readonly NonNullable<components["schemas"]["AcceptRequest"]["currency"]>[];
