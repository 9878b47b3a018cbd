import { PostgresStore } from "../src/postgres.js";
import { storageSuite } from "./storage.suite.js";

const url = process.env.CHRONOSEAL_PG_URL;
if (!url)
  console.warn(
    "[postgres] skipping the PostgreSQL storage suite: CHRONOSEAL_PG_URL is not set (scripts/postgres.sh start)",
  );
let n = 0;
storageSuite("PostgreSQL", async () => PostgresStore.connect(url!, `entries_${process.pid}_${n++}`), !url);
