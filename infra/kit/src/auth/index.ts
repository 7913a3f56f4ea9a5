export * from './auth-error.ts';
export * from './express.ts';
export * from './secret.ts';
export * from './tokens.ts';
