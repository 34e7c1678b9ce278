/**
 * The mask shown in place of a secret value (EvalStudio header values). It reveals nothing of the
 * value, not even its length; the contract allows up to four trailing characters, this server shows none.
 */
export const SECRET_MASK = "********";
