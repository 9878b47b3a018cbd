import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "collector-app",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
  },
});
