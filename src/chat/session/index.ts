export { AnonymousTokensExhaustedError, OwnTokenNeededError, OwnTokenRefusedError } from "./account-errors";
export { messageForError, registerUrl } from "./account-texts";
export { createNemoSession, isTransientFailure, type NemoSession } from "./nemo-session";
