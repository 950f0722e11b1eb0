// Jest loads global setup outside its module system; tsx lets it run the TypeScript setup.
import { tsImport } from "tsx/esm/api";

export default async function globalSetup() {
  const { default: setup } = await tsImport("./setupDatabase.ts", import.meta.url);
  await setup();
}
