import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "lock",
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/privacy.setup.ts"],
    testTimeout: 120_000,
  },
});
