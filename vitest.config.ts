// Root test entry: one vitest run over every package, so CI gets a single summary.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["{packages,apps}/*/vitest.config.ts", "{hardware-sim,bench}/vitest.config.ts"],
    reporters: ["default", "./scripts/summary-reporter.ts"],
  },
});
