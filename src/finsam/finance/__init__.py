"""Finance: the contribution rule, the 2004 cap rule and the state allocation model (DESIGN §3)."""
