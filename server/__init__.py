"""The Flask side of the dashboard: the data API, sign-in, security, the answer cache, renderers,
chart images, health and the warm-up (the conventions are written down in the next step)."""
