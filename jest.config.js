/** @type {import("jest").Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  // Type-checking runs once in `npm test` (tsc --noEmit); ts-jest only transpiles, which keeps
  // each test file from re-checking the azure-native declarations.
  transform: { "^.+\\.ts$": "ts-jest" },
  testTimeout: 60000,
  // Both cores: the suites spend their time in offline previews, which are CPU-bound.
  maxWorkers: 2,
};
