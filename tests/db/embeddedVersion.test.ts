/** A data folder initialised by another PostgreSQL major is refused before anything starts, with what to do. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkDataFolderVersion, embeddedMajor, EmbeddedStartError } from "../../src/db/embedded.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sat-pgversion-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("the installed embedded PostgreSQL is a current major (17 or newer)", () => {
  expect(embeddedMajor()).toBeGreaterThanOrEqual(17);
});

test("a folder of another major: one line naming both majors, pg_upgrade and removing the folder; the folder untouched", () => {
  const databaseDir = path.join(dir, "postgres");
  fs.mkdirSync(databaseDir);
  expect(() => checkDataFolderVersion(databaseDir, 17)).not.toThrow(); // not initialised yet
  fs.writeFileSync(path.join(databaseDir, "PG_VERSION"), "15\n");
  let err: unknown;
  try {
    checkDataFolderVersion(databaseDir, 17);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(EmbeddedStartError);
  const message = (err as Error).message;
  expect(message.split("\n")).toHaveLength(1);
  expect(message).toMatch(
    new RegExp(
      `^the embedded data folder ${databaseDir} was initialised by PostgreSQL 15, this version runs PostgreSQL 17: .*pg_upgrade.*remove ${dir}`,
    ),
  );
  expect(fs.readFileSync(path.join(databaseDir, "PG_VERSION"), "utf8")).toBe("15\n");
  expect(() => checkDataFolderVersion(databaseDir, 15)).not.toThrow();
});
