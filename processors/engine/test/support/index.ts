/** Test support for the engine and the processors that use it (`@fenghuo/engine/test-support`). */
export * from './fixtures.ts';
export * from './instrumented-store.ts';
