import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "lock-agent",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
  },
});
