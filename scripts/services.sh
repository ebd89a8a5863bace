#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis servers for the test suite, on free loopback ports.
#   scripts/services.sh start DIR   -> starts both, writes DIR/env (DATABASE_URL, REDIS_URL)
#   scripts/services.sh stop DIR    -> stops both and removes DIR
set -euo pipefail

cmd=${1:?start|stop}
dir=${2:?directory}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return; }; done
  return 1
}

as_pg() {  # PostgreSQL refuses to run as root: use the postgres account when we are root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_installed() {
  local need=()
  pg_bin >/dev/null || need+=(postgresql)
  command -v redis-server >/dev/null || need+=(redis-server)
  if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]}"
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    fi
  fi
}

case "$cmd" in
start)
  ensure_installed
  mkdir -p "$dir"
  bin=$(pg_bin)
  pg_port=$(free_port); redis_port=$(free_port)
  mkdir -p "$dir/pg"
  [ "$(id -u)" = 0 ] && chown -R postgres "$dir" && chmod 755 "$dir"
  as_pg "$bin/initdb" -D "$dir/pg" -U postgres -A trust --no-sync -E UTF8 >/dev/null
  as_pg "$bin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -o "-p $pg_port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  cat > "$dir/env" <<ENV
export DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/pleroma
export REDIS_URL=redis://127.0.0.1:$redis_port/0
export PG_BIN=$bin
export PG_DATA=$dir/pg
export PG_PORT=$pg_port
ENV
  as_pg "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres pleroma
  echo "PostgreSQL on $pg_port, Redis on $redis_port"
  ;;
stop)
  if [ -f "$dir/env" ]; then
    # shellcheck disable=SC1091
    . "$dir/env"
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
  fi
  [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
  rm -rf "$dir"
  ;;
esac
