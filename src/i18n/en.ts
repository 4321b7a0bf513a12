/** Every user-facing text in English, composed from one file per area (en/*.ts). */

import { accounts } from "./en/accounts";
import { commands } from "./en/commands";
import { conversation } from "./en/conversation";
import { draft } from "./en/draft";
import { media } from "./en/media";
import { operator } from "./en/operator";
import { renders } from "./en/renders";
import { security } from "./en/security";
import type { Texts } from "./types";

export const en: Texts = {
  ...conversation,
  ...renders,
  ...media,
  ...commands,
  accounts,
  ...security,
  ...draft,
  operator,
};
