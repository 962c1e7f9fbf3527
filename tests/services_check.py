"""Stop `make test` early, with the fix, when PostgreSQL or Redis is not reachable."""
import os
import sys
from urllib.parse import urlparse

import psycopg2
import redis

database_url = os.environ["DATABASE_URL"]
broker_url = os.environ["CELERY_BROKER_URL"]
problems = []

db = urlparse(database_url)
try:
    psycopg2.connect(host=db.hostname, port=db.port or 5432, user=db.username or "postgres",
                     password=db.password, dbname="postgres", connect_timeout=3).close()
except psycopg2.OperationalError as exc:
    problems.append(
        f"PostgreSQL is not reachable at {db.hostname}:{db.port or 5432} ({str(exc).strip()}).\n"
        "  Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
        "  or point TEST_DATABASE_URL at a running server."
    )

try:
    redis.Redis.from_url(broker_url, socket_connect_timeout=3).ping()
except redis.RedisError as exc:
    problems.append(
        f"Redis is not reachable at {broker_url} ({exc}).\n"
        '  Start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n'
        "  or point TEST_BROKER_URL at a running server."
    )

if problems:
    print("make test needs PostgreSQL and Redis:\n" + "\n".join(problems), file=sys.stderr)
    sys.exit(1)
