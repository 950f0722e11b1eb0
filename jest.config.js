import os from "node:os";

/**
 * Jest runs the TypeScript sources as ES modules through ts-jest (transpile only; `npm run typecheck` does the type
 * check). globalSetup migrates one template database; the test environment gives every test FILE its own copy of it,
 * so files run in parallel (at least 2 workers: the tests mostly wait on PostgreSQL, even on a 2-core machine).
 */
export default {
  testEnvironment: "<rootDir>/tests/helpers/databaseEnvironment.js",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: { "^.+\\.ts$": ["ts-jest", { useESM: true }] },
  testMatch: ["<rootDir>/tests/**/*.test.ts"],
  globalSetup: "<rootDir>/tests/helpers/globalSetup.js",
  globalTeardown: "<rootDir>/tests/helpers/globalTeardown.js",
  setupFiles: ["<rootDir>/tests/helpers/logLevel.ts"],
  testTimeout: 60000,
  maxWorkers: Math.max(2, os.availableParallelism() - 1),
};
