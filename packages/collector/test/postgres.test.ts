// The shared storage suite against a real PostgreSQL server (CHRONOSEAL_PG_URL, e.g. from
// `scripts/postgres.sh start`; CI always sets it). Each test gets its own table.
import { PostgresStore } from "../src/postgres.js";
import type { CollectorStore } from "../src/store.js";
import { storageSuite } from "./storage.suite.js";

const url = process.env.CHRONOSEAL_PG_URL;
if (!url)
  console.warn(
    "[collector] skipping the PostgreSQL storage suite: CHRONOSEAL_PG_URL is not set (run `bash scripts/postgres.sh start` and export what it prints)",
  );
let n = 0;
storageSuite(
  "PostgreSQL",
  async () => {
    const store = await PostgresStore.connect(url!, `t_${process.pid}_${Date.now() % 1e6}_${n++}`);
    // Drop the table when the test closes the store.
    const close = store.close.bind(store);
    return Object.assign(store, {
      close: async () => {
        await store.drop();
        await close();
      },
    }) as CollectorStore;
  },
  !url,
);
