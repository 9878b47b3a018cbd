import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "hardware-sim",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
  },
});
