// The English catalog is extracted from the code: every message's id and default message.
//   node scripts/i18n.mjs          writes src/i18n/messages/en.json (npm run i18n:extract)
// The catalog checks (src/i18n/catalogs.test.ts) use `extractEnglish` to find missing, unused
// and stale keys.
import { extract } from "@formatjs/cli-lib";
import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const WEB = join(dirname(fileURLToPath(import.meta.url)), "..");
export const MESSAGES = join(WEB, "src", "i18n", "messages");

/** The app's source files: what ships (tests and generated types apart). */
export function sourceFiles(dir = join(WEB, "src")) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "testing" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.(test|d)\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** { id: English message } for every message the code defines, sorted by id. */
export async function extractEnglish() {
  const json = await extract(sourceFiles(), { format: "simple", throws: true, idInterpolationPattern: "[sha512:contenthash:base64:6]" });
  const messages = JSON.parse(json);
  return Object.fromEntries(Object.keys(messages).sort().map((id) => [id, messages[id]]));
}

export function serialise(messages) {
  return `${JSON.stringify(messages, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const english = await extractEnglish();
  writeFileSync(join(MESSAGES, "en.json"), serialise(english));
  console.log(`${relative(process.cwd(), join(MESSAGES, "en.json"))}: ${Object.keys(english).length} messages`);
}
