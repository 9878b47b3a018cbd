import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "testkit",
    include: ["test/**/*.test.ts"],
    // At most 30 s per test; a test that needs longer says so, with the reason, where it is defined.
    testTimeout: 30_000,
    // A test that makes no assertion cannot fail: vitest fails it instead.
    expect: { requireAssertions: true },
  },
});
