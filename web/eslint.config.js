// LeadDesk web: lint rules (ESLint flat config). `npm run lint`; part of `make web-check`.
//
// Import boundaries (eslint-plugin-boundaries), see docs/web.md:
// - shared code (api/, auth/, components/, i18n/, config.ts, labels.ts) imports shared code only;
// - a feature (features/<name>/) imports shared code, its own files, and another feature only
//   through that feature's index.ts;
// - the app's shell (main.tsx, App.tsx) imports shared code and features' index.ts;
// - testing/ (the component tests' server and render helpers) is for test files only.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import boundaries from "eslint-plugin-boundaries";
import formatjs from "eslint-plugin-formatjs";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// Entity selectors: shared code is a folder (element) or one of src/'s top-level files (file).
const shared = [{ element: { type: "shared" } }, { file: { categories: "shared" } }];
const app = { file: { categories: "app" } };
const testing = { element: { type: "testing" } };
const feature = { element: { type: "feature" } };
const featureEntry = { element: { type: "feature", fileInternalPath: "index.ts" } };
const sameFeature = { element: { type: "feature", captured: { feature: "{{ from.element.captured.feature }}" } } };

export default defineConfig(
  { ignores: ["dist/", "node_modules/", "src/api/schema.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { globals: globals.browser },
    rules: {
      // `_name` marks a value destructured away on purpose (e.g. `{ limit: _limit, ...filters }`).
      "@typescript-eslint/no-unused-vars": ["error", { varsIgnorePattern: "^_", argsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // Every visible text comes from the catalogs (docs/web.md#languages): no text, aria-label,
    // label, placeholder or title written in JSX; messages with ids and valid ICU.
    files: ["src/**/*.tsx"],
    ignores: ["src/**/*.test.tsx", "src/testing/**"],
    plugins: { formatjs },
    rules: {
      "formatjs/no-literal-string-in-jsx": ["error", { props: { include: [["*", "{label,placeholder,title,hint,validationMessage}"]] } }],
      "formatjs/enforce-default-message": ["error", "literal"],
      "formatjs/no-invalid-icu": "error",
    },
  },
  {
    files: ["src/**/*.{ts,tsx}"],
    plugins: { boundaries },
    settings: {
      "import/resolver": { typescript: { project: "./tsconfig.json" } },
      "boundaries/include": ["src/**/*"],
      "boundaries/elements": [
        { type: "feature", pattern: "src/features/*", capture: ["feature"] },
        { type: "testing", pattern: "src/testing" },
        { type: "shared", pattern: ["src/api", "src/auth", "src/components", "src/i18n"] },
      ],
      "boundaries/files": [
        { category: "app", pattern: ["src/main.tsx", "src/App.tsx"] },
        { category: "shared", pattern: ["src/config.ts", "src/labels.ts", "src/styles.css"] },
      ],
    },
    rules: {
      "boundaries/no-unknown-files": "error",
      "boundaries/no-unknown-dependencies": "error",
      "boundaries/dependencies": [
        "error",
        {
          default: "disallow",
          policies: [
            { from: shared, allow: { to: shared } },
            { from: app, allow: { to: [...shared, featureEntry, app] } },
            { from: feature, allow: { to: [...shared, sameFeature, featureEntry] } },
          ],
        },
      ],
    },
  },
  {
    // Tests may also use the test helpers; the helpers render the whole app.
    files: ["src/**/*.test.{ts,tsx}", "src/testing/**/*.{ts,tsx}"],
    rules: {
      "boundaries/dependencies": [
        "error",
        {
          default: "disallow",
          policies: [
            { from: shared, allow: { to: shared } },
            { from: feature, allow: { to: [...shared, sameFeature, featureEntry, testing] } },
            { from: testing, allow: { to: [...shared, featureEntry, app, testing] } },
          ],
        },
      ],
    },
  },
  {
    files: ["*.{js,ts}", "scripts/**/*.{js,mjs}"],
    languageOptions: { globals: globals.node },
  },
);
