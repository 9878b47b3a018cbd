// The storage compliance suite against SQLite files: a fresh database file in a fresh directory
// per test, closed and deleted in teardown.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../src/sqlite.js";
import { runStorageSuite } from "../src/testing/index.js";

runStorageSuite("SQLite (file)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "collector-"));
  const subject = new SqliteStore(join(dir, "c.db"));
  return {
    subject,
    async teardown() {
      await subject.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
