// The UI's API types and list filters must be generated from the API's committed document:
// regenerate them and fail when they differ from src/api/schema.d.ts or src/api/listFilters.ts
// (run `npm run api-types` and commit the result).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listFiltersModule, OUTPUT as LIST_FILTERS } from "./list-filters.mjs";

const fresh = join(mkdtempSync(join(tmpdir(), "leaddesk-api-types-")), "schema.d.ts");
execFileSync("npx", ["openapi-typescript", "../docs/openapi.json", "--output", fresh], { stdio: "ignore" });
if (readFileSync(fresh, "utf8") !== readFileSync("src/api/schema.d.ts", "utf8")) {
  console.error("web/src/api/schema.d.ts is out of date with docs/openapi.json: run `npm run api-types` in web/ and commit it");
  process.exit(1);
}
const document = JSON.parse(readFileSync("../docs/openapi.json", "utf8"));
if (listFiltersModule(document) !== readFileSync(LIST_FILTERS, "utf8")) {
  console.error(`web/${LIST_FILTERS} is out of date with docs/openapi.json: run \`npm run api-types\` in web/ and commit it`);
  process.exit(1);
}
console.log("web API types and list filters match docs/openapi.json");
