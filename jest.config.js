/** Jest runs the TypeScript sources as ES modules through ts-jest (transpile only; `npm run typecheck` does the type check). */
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: { "^.+\\.ts$": ["ts-jest", { useESM: true }] },
  testMatch: ["<rootDir>/tests/**/*.test.ts"],
  globalSetup: "<rootDir>/tests/helpers/globalSetup.js",
  globalTeardown: "<rootDir>/tests/helpers/globalTeardown.js",
  setupFiles: ["<rootDir>/tests/helpers/logLevel.ts"],
  testTimeout: 60000,
  maxWorkers: 1, // worker tests share one job queue
};
