export { loadConfig, type ServerConfig } from './config.js';
export { buildServer, type ServerOptions } from './server.js';
export { type RunningServer, startServer } from './start.js';
export { openStorage, type Storage } from './storage/database.js';
