import { BUSINESS_SCRIPTS } from './providers/business.js';
import { describeConformance } from './support/connection-life.js';

describeConformance(BUSINESS_SCRIPTS);
