import './locale.js';

export * from './catalog.js';
export * from './connection-config.js';
export * from './connector-file.js';
export * from './connectors.js';
export * from './errors.js';
export * from './extensions.js';
export * from './identifiers.js';
export * from './login.js';
export * from './login-file.js';
export * from './push-plan.js';
export * from './stripe.js';
export * from './suggest.js';
export * from './text.js';
