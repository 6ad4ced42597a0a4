export * from './errors.js';
export * from './identifiers.js';
export * from './login.js';
