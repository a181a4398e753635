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
