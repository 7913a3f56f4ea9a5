export * from './account-pseudonym.ts';
export * from './contact-store.ts';
export * from './privacy-config.ts';
export * from './secret-key.ts';
