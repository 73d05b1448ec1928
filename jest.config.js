/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // the default blueprint imports the package by its name, as a user's app does
  moduleNameMapper: { '^cdk8s-hardened$': '<rootDir>/src/index.ts' },
  globalSetup: '<rootDir>/test/cluster/_note-without-go.js',
};
