import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../src/sqlite.js";
import { storageSuite } from "./storage.suite.js";

storageSuite(
  "SQLite (file)",
  async () => new SqliteStore(join(mkdtempSync(join(tmpdir(), "collector-")), "c.db")),
);
