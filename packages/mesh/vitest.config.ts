import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "mesh",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
  },
});
