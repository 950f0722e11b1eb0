// ESLint flat config: typescript-eslint's type-checked recommended rules over src, tasks, tests, bench, scripts.
// Formatting is Prettier's job (.prettierrc); no stylistic rules here.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", ".data/", ".tools/", "coverage/", "migrations/", "bench/results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // pg rows, GraphQL responses and some libraries' types (PostGraphile steps, MCP SDK, openai errors) are `any`;
      // the code narrows them where it uses them. no-explicit-any still flags every `any` we write ourselves.
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // Task handlers, fakes and interface implementations are async to match a Promise-returning signature.
      "@typescript-eslint/require-await": "off",
      // A leading underscore marks a deliberately unused name (express's 4-argument error handler, omitted fields).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);
