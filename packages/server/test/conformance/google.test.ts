import { GOOGLE_SCRIPTS } from './providers/google.js';
import { describeConformance } from './support/connection-life.js';

describeConformance(GOOGLE_SCRIPTS);
