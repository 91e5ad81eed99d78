"""Every component id the layouts and callbacks share, as constants.

Callbacks refer to components only through these names, so a renamed id breaks at import,
not in a browser. Imports nothing.
"""

# The page frame (layouts/shell.py)
SKIP_LINK = "skip-link"
HEADER = "site-header"
MAIN = "main"
FOOTER = "site-footer"

# Returns loaded (layouts/returns.py)
RETURNS_URL = "returns-url"
RETURNS_QUARTER = "returns-quarter"
RETURNS_QUARTER_LABEL = "returns-quarter-label"
RETURNS_MESSAGE = "returns-message"
RETURNS_COUNT = "returns-count"
RETURNS_GRID = "returns-grid"
