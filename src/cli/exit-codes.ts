/** Exit codes of every subcommand. */

/** Success: nothing at or above the failure threshold. */
export const EXIT_OK = 0;
/** Findings (check), something opens (diff). */
export const EXIT_FINDINGS = 1;
/** Usage error, or unreadable or unparsable input. */
export const EXIT_USAGE = 2;
