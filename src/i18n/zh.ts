/** Every user-facing text in Chinese, composed from one file per area (zh/*.ts). */
import type { Texts } from "./types";
import { accounts } from "./zh/accounts";
import { commands } from "./zh/commands";
import { conversation } from "./zh/conversation";
import { draft } from "./zh/draft";
import { media } from "./zh/media";
import { operator } from "./zh/operator";
import { renders } from "./zh/renders";
import { security } from "./zh/security";

export const zh: Texts = {
  ...conversation,
  ...renders,
  ...media,
  ...commands,
  accounts,
  ...security,
  ...draft,
  operator,
};
