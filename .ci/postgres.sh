#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for the tests:
#   source .ci/postgres.sh; pg_throwaway_start    (exports BOTTLENECK_TEST_POSTGRES, …_ADMIN, …_DATA, …_CTL)
#   pg_throwaway_stop                             (stops it and removes its folder)
# Debian's postgresql package is installed when missing. The cluster belongs to the postgres user (initdb refuses root),
# listens on a free port on 127.0.0.1 only, and asks every client for a password (scram-sha-256).

pg_throwaway_start() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt-get -o DPkg::Lock::Timeout=300 update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq postgresql >/dev/null
  fi
  local bin port
  bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
  PG_THROWAWAY_DIR=$(mktemp -d /tmp/bottleneck-pg.XXXXXX)
  chown postgres "$PG_THROWAWAY_DIR"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
         || echo $((20000 + RANDOM % 20000)))
  local admin_pw test_pw
  admin_pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  test_pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  echo "$admin_pw" > "$PG_THROWAWAY_DIR/pwfile"
  chown postgres "$PG_THROWAWAY_DIR/pwfile"
  runuser -u postgres -- "$bin/initdb" -D "$PG_THROWAWAY_DIR/data" -U postgres --pwfile="$PG_THROWAWAY_DIR/pwfile" \
      -A scram-sha-256 -E UTF8 --no-instructions >"$PG_THROWAWAY_DIR/initdb.log" 2>&1 || { cat "$PG_THROWAWAY_DIR/initdb.log"; return 1; }
  local ctl="runuser -u postgres -- $bin/pg_ctl -D $PG_THROWAWAY_DIR/data -l $PG_THROWAWAY_DIR/server.log -w -t 60 -o \"-c listen_addresses=127.0.0.1 -p $port -k $PG_THROWAWAY_DIR -c fsync=on\""
  eval "$ctl start" >/dev/null || { cat "$PG_THROWAWAY_DIR/server.log"; return 1; }
  PGPASSWORD="$admin_pw" "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE bottleneck LOGIN PASSWORD '$test_pw'" -c "CREATE DATABASE bottleneck_test OWNER bottleneck" >/dev/null || return 1
  export BOTTLENECK_TEST_POSTGRES="postgresql://bottleneck:$test_pw@127.0.0.1:$port/bottleneck_test"
  export BOTTLENECK_TEST_POSTGRES_ADMIN="postgresql://postgres:$admin_pw@127.0.0.1:$port/postgres"
  export BOTTLENECK_TEST_POSTGRES_DATA="$PG_THROWAWAY_DIR/data"
  # How a test restarts the server (pg_ctl must run as the cluster's owner).
  export BOTTLENECK_TEST_POSTGRES_CTL="$ctl"
  export PG_THROWAWAY_DIR
  echo "postgres: throwaway cluster on 127.0.0.1:$port in $PG_THROWAWAY_DIR"
}

pg_throwaway_stop() {
  [ -n "${PG_THROWAWAY_DIR:-}" ] || return 0
  local bin
  bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)")
  runuser -u postgres -- "$bin/pg_ctl" -D "$PG_THROWAWAY_DIR/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$PG_THROWAWAY_DIR"
  unset PG_THROWAWAY_DIR
}
