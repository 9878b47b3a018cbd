import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "meshd",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
  },
});
