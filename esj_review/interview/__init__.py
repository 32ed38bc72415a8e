"""The interview: prompt specs, the section menu and sessions (questionary is imported only in
`flow`, and only when a terminal session starts)."""
