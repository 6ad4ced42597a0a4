import { STORAGE_SCRIPTS } from './providers/storage.js';
import { describeConformance } from './support/connection-life.js';

describeConformance(STORAGE_SCRIPTS);
