// Writes schemas/connector-file.schema.json from the contract (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { connectorFileJsonSchema } from '../dist/index.js';

const file = new URL('../schemas/connector-file.schema.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(connectorFileJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
