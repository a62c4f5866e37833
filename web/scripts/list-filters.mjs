// The list filters of `GET /leads` (and the currencies an amount may carry) as a module the app can read at run time: each filter's
// values and the tabs offering it (the document's `x-leaddesk-tabs`), which types alone cannot
// carry. Written from docs/openapi.json into src/api/listFilters.ts by `npm run api-types`;
// `npm run api-types:check` fails when the committed module differs.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const OUTPUT = "src/api/listFilters.ts";
const TABS = "x-leaddesk-tabs";

function resolve(document, schema) {
  const ref = schema?.$ref;
  return ref ? document.components.schemas[ref.split("/").pop()] : schema;
}

function list(values) {
  return values === null ? "null" : `[${values.map((value) => JSON.stringify(value)).join(", ")}]`;
}

/** The module's text for an OpenAPI document. */
export function listFiltersModule(document) {
  const parameters = document.paths["/leads"].get.parameters.filter((p) => p.in === "query" && p.schema?.[TABS]);
  const entries = parameters.map(({ name, schema }) => {
    const values = resolve(document, schema.items)?.enum ?? null;
    return `  ${name}: {\n    values: ${list(values)},\n    tabs: ${list(schema[TABS])},\n  },`;
  });
  const currencies = resolve(document, document.components.schemas.AcceptRequest.properties.currency).enum;
  return `// Generated from docs/openapi.json by \`npm run api-types\` (scripts/list-filters.mjs); do not edit.
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
${entries.join("\n")}
} as const satisfies Described;

export const CURRENCIES = ${list(currencies)} as const satisfies readonly NonNullable<components["schemas"]["AcceptRequest"]["currency"]>[];
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const document = JSON.parse(readFileSync("../docs/openapi.json", "utf8"));
  writeFileSync(OUTPUT, listFiltersModule(document));
}
