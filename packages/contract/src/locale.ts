import { en } from 'zod/locales';
import * as z from 'zod/mini';

// Classic zod registers English messages when its first schema is built; zod/mini registers none,
// and every issue would read "Invalid input". Only the default: a locale set elsewhere wins.
if (!z.config().localeError) z.config(en());
