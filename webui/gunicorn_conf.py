"""How gunicorn serves the app: `gunicorn -c python:webui.gunicorn_conf 'webui:create_app()'`.

The one place for these; `make run` and the benchmark's and tests' server read it, and give
--bind and --workers on the command line.

A sync worker serves one connection at a time, so two clients that send half a request and
wait held both of `make run`'s workers for 30 s. A threaded worker waits for a connection's
first bytes without a thread, then gives it one: it takes about WORKERS * THREADS such
clients (50 slow sockets left /healthz at 3 ms with 2 workers; 64 began to stall it). Behind
a buffering proxy (see the README) none reach gunicorn.
"""

worker_class = "gthread"
threads = 32
# A kept-alive connection that sends nothing is closed after this many seconds.
keepalive = 5
timeout = 30
graceful_timeout = 20

# Above the app's own limits (webui/limits.py), so within those the app answers with JSON
# or an error page. 8190 is the longest request line gunicorn accepts; the header limits stay
# close to the app's because gunicorn buffers up to fields * field size per request.
limit_request_line = 8190
limit_request_fields = 128
limit_request_field_size = 12288
