import { MICROSOFT_SCRIPTS } from './providers/microsoft.js';
import { describeConformance } from './support/connection-life.js';

describeConformance(MICROSOFT_SCRIPTS);
