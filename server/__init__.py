"""The Flask side of the dashboard: what hooks onto the Flask server rather than answering a
Dash callback. Imports config, db, metrics, charts, layouts and server; never callbacks, never
app.

| module | its job |
|---|---|
| `services.py` | `Services`: the settings, the store, the measures' data and the disclosure policy |
| `auth.py` | `/sign-in`, `/sign-out`, the gate before every request, `caller_of(services)` |
| `security.py` | refusing an unsafe start, security headers, cookie flags, the same-origin check |
| `inputs.py` | the callback-request door: every input of a declared callback, of its kind (`KINDS`) |
| `api.py` | the data API: measures (`/api/v1/measures/<id>`) and charts' files (`/api/v1/charts/<id>`) |
| `records.py` | the child-level records API (`/api/v1/records/children_waiting`) |
| `renderers.py` | one export as JSON, CSV, XLSX, or a chart's picture as PNG or SVG |
| `exports.py` | the audit event of every figure that leaves the dashboard |
| `cache.py` | the answer cache (flask-caching; Redis with REDIS_URL) |
| `images.py` | chart images and the board pack, drawn by kaleido |
| `health.py` | `GET /health` |
| `warm.py` | the warm-up gunicorn's master runs before forking its workers |

The convention: a module that hooks onto the server has `register(app: Dash, services)`, the
signature callbacks/ has, so app.py registers both sides alike. It hooks only onto `app.server`
(routes, before_request and after_request, extensions) and reads from the Dash app only what
Flask cannot know: the callback map (inputs.py) and the hashes of Dash's inline scripts
(security.py). It registers no Dash callback and sets no layout, as callbacks/ registers no
Flask route or hook (tests/unit/test_architecture.py checks both). Modules with nothing to hook
(services, renderers, cache, images) have no `register`. The hooks run in the order app.py
registers them: security's origin check, then auth's gate, then the inputs door.
"""
