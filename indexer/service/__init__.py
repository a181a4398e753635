"""What runs around the library's work: builds and updates logged with their outcome kept
(runs), the admin page's background jobs (jobs), the folder watcher (watch), Prometheus
metrics, JSON logs, the index's statistics (stats), serving with gunicorn (serve), and a
document's original file from the seeds folder (originals).

Imports every layer but itself is imported only by the public API (indexer/__init__.py).
"""
