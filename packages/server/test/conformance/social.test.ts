import { SOCIAL_SCRIPTS } from './providers/social.js';
import { describeConformance } from './support/connection-life.js';

describeConformance(SOCIAL_SCRIPTS);
