// The storage compliance suite against a real PostgreSQL server (CHRONOSEAL_PG_URL, e.g. from
// `scripts/postgres.sh start`; CI always sets it). Each test gets its own table, dropped in
// teardown; afterwards no table of this run is left on the server.
import pg from "pg";
import { afterAll, expect } from "vitest";
import { PostgresStore } from "../src/postgres.js";
import { runStorageSuite } from "../src/testing/index.js";

const url = process.env.CHRONOSEAL_PG_URL;
const prefix = `t_${process.pid}_${Date.now() % 1e6}_`;
let n = 0;

runStorageSuite(
  "PostgreSQL",
  async () => {
    const subject = await PostgresStore.connect(url!, `${prefix}${n++}`);
    return {
      subject,
      async teardown() {
        try {
          await subject.drop();
        } finally {
          await subject.close();
        }
      },
    };
  },
  url
    ? {}
    : {
        skip: "CHRONOSEAL_PG_URL is not set (run `bash scripts/postgres.sh start` and export what it prints)",
      },
);

afterAll(async () => {
  if (!url) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const left = await client.query("SELECT tablename FROM pg_tables WHERE tablename LIKE $1", [
      `${prefix}%`,
    ]);
    expect(left.rows).toEqual([]);
  } finally {
    await client.end();
  }
});
