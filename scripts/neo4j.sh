#!/usr/bin/env bash
# Provision and run a real Neo4j 5.26 Community server for tests, without Docker.
#
# The server is Neo4j's own entry point (org.neo4j.server.CommunityEntryPoint,
# what `bin/neo4j console` runs), started from the jars Maven resolves for
# org.neo4j:neo4j, org.neo4j:neo4j-bolt and org.neo4j.app:neo4j-server. The
# jars are cached outside the clone; every `start` gets a fresh, empty store
# (unless DISPUTEGRAPH_NEO4J_KEEP=1).
#
# Usage: scripts/neo4j.sh start|stop|status|uri|run-dir
#
#   start   print the Bolt URI of a ready server on stdout (one line), starting
#           one if needed; with NEO4J_URI set, only print that URI.
#   stop    stop the server this script started (by its recorded pid).
#   status  exit 0 and print the URI if running, exit 1 otherwise.
#   uri     print the URI of the running server (exit 1 if none).
#   run-dir print the run dir this checkout uses.
#
# Environment (all optional):
#   NEO4J_URI                    use this server instead of starting one
#   DISPUTEGRAPH_CACHE           jar cache root (default ~/.cache/disputegraph)
#   DISPUTEGRAPH_NEO4J_RUN       run dir (default /tmp/disputegraph-neo4j-<hash of this checkout's
#                                path>, so two checkouts on one machine never share a server;
#                                `stop` refuses to stop a server another checkout started)
#   DISPUTEGRAPH_NEO4J_PORT      Bolt port (default 7687; a free one if busy)
#   DISPUTEGRAPH_NEO4J_VERSION   version(s) to try, newest first
#   DISPUTEGRAPH_NEO4J_TIMEOUT   readiness timeout in seconds (default 180)
#   DISPUTEGRAPH_NEO4J_HEAP      heap size (default 768m)
#   DISPUTEGRAPH_NEO4J_PAGECACHE page cache size (default 512m)
#   DISPUTEGRAPH_NEO4J_TX_MEMORY dbms.memory.transaction.total.max (default 384m)
#   DISPUTEGRAPH_NEO4J_CONF_EXTRA extra neo4j.conf lines appended verbatim
#   DISPUTEGRAPH_JAVA            java executable (must be 17 or 21)
#   DISPUTEGRAPH_NEO4J_KEEP      1: start on the store left by the previous run of
#                                this run dir instead of a fresh one (a restart)
#
# The home (`run-dir`/home) is laid out like a Neo4j distribution's: conf/, data/,
# logs/, bin/neo4j (start|stop|status through this script: the same run dir, port
# and store) and bin/neo4j-admin (Neo4j's admin tool from the same jars), so that
# `disputegraph load --bulk` works with DISPUTEGRAPH_NEO4J__HOME=<run dir>/home.
#   MAVEN_OPTS                   passed to Maven (e.g. -Dmaven.repo.local=...)
set -euo pipefail
shopt -s inherit_errexit
trap 'exit 130' INT
trap 'exit 143' TERM

VERSIONS=${DISPUTEGRAPH_NEO4J_VERSION:-"5.26.30 5.26.29 5.26.16 5.26.12 5.26.0"}
CACHE_ROOT=${DISPUTEGRAPH_CACHE:-$HOME/.cache/disputegraph}
CHECKOUT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
RUN_DIR=${DISPUTEGRAPH_NEO4J_RUN:-/tmp/disputegraph-neo4j-$(printf '%s' "$CHECKOUT" | sha256sum | cut -c1-12)}
DEFAULT_PORT=${DISPUTEGRAPH_NEO4J_PORT:-7687}
TIMEOUT=${DISPUTEGRAPH_NEO4J_TIMEOUT:-180}
HEAP=${DISPUTEGRAPH_NEO4J_HEAP:-768m}
PAGECACHE=${DISPUTEGRAPH_NEO4J_PAGECACHE:-512m}
TX_MEMORY=${DISPUTEGRAPH_NEO4J_TX_MEMORY:-384m}
MAIN_CLASS=org.neo4j.server.CommunityEntryPoint

PID_FILE=$RUN_DIR/neo4j.pid
URI_FILE=$RUN_DIR/uri
OWNER_FILE=$RUN_DIR/checkout
CONSOLE_LOG=$RUN_DIR/console.log
HOME_DIR=$RUN_DIR/home

say() { echo "neo4j: $*" >&2; }
die() { say "$*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---------------------------------------------------------------- java, jars

java_major() {
    "$1" -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

find_java() {
    local c major
    for c in "${DISPUTEGRAPH_JAVA:-}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)" \
             /usr/lib/jvm/java-17-openjdk-*/bin/java /usr/lib/jvm/java-21-openjdk-*/bin/java \
             /usr/lib/jvm/*17*/bin/java /usr/lib/jvm/*21*/bin/java; do
        [ -n "$c" ] && [ -x "$c" ] || continue
        major=$(java_major "$c" || true)
        if [ "$major" = 17 ] || [ "$major" = 21 ]; then
            echo "$c"
            return 0
        fi
    done
    die "no Java 17 or 21 found (set DISPUTEGRAPH_JAVA)"
}

write_pom() { # version file
    cat > "$2" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Throw-away pom: only used to resolve the Neo4j $1 server jars. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.disputegraph</groupId>
  <artifactId>neo4j-server-jars</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId><version>$1</version></dependency>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j-bolt</artifactId><version>$1</version></dependency>
    <dependency><groupId>org.neo4j.app</groupId><artifactId>neo4j-server</artifactId><version>$1</version></dependency>
  </dependencies>
</project>
EOF
}

# Print the lib dir of a complete jar set, fetching it if needed.
ensure_jars() {
    local v dir t0 rc
    for v in $VERSIONS; do
        dir=$CACHE_ROOT/neo4j-$v
        if [ -f "$dir/.complete" ] && [ -d "$dir/lib" ]; then
            echo "$dir/lib"
            return 0
        fi
        command -v mvn >/dev/null || die "mvn not found: cannot fetch Neo4j $v jars"
        # One fetch per version at a time (this runs in a subshell: the lock
        # goes with it). Another process may have completed it meanwhile.
        mkdir -p "$CACHE_ROOT"
        exec 8>"$CACHE_ROOT/neo4j-$v.lock"
        flock 8
        if [ -f "$dir/.complete" ] && [ -d "$dir/lib" ]; then
            echo "$dir/lib"
            return 0
        fi
        say "fetching $v jars into $dir/lib …"
        t0=$(now)
        rm -rf "$dir"
        mkdir -p "$dir"
        write_pom "$v" "$dir/pom.xml"
        rc=0
        (cd "$dir" && mvn -B -ntp -q -Dstyle.color=never \
            org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
            -DincludeScope=runtime -DoutputDirectory=lib.partial) >"$dir/fetch.log" 2>&1 || rc=$?
        if [ "$rc" = 0 ] && [ -f "$dir/lib.partial/neo4j-server-$v.jar" ] && [ -f "$dir/lib.partial/neo4j-$v.jar" ]; then
            mv "$dir/lib.partial" "$dir/lib"
            # The stamp is written last: a fetch cut short is redone next time.
            date -u +%FT%TZ > "$dir/.complete"
            say "fetched $v ($(du -sh "$dir/lib" | cut -f1)) in $(elapsed "$t0") s"
            echo "$dir/lib"
            return 0
        fi
        say "could not fetch $v (mvn exit $rc); Maven said:"
        tail -n 20 "$dir/fetch.log" >&2 || true
        # Interrupted (signal): do not fall back to another version.
        [ "$rc" -le 128 ] || exit "$rc"
        exec 8>&-
    done
    die "no Neo4j version could be fetched (tried: $VERSIONS)"
}

# ---------------------------------------------------------------- probes

# Real Bolt check: handshake, HELLO (auth "none"), RUN "RETURN 1", PULL.
# Needs only python3's standard library.
bolt_ping() { # host port
    command -v python3 >/dev/null || return 2
    python3 - "$1" "$2" <<'PY' 2>/dev/null
import socket, struct, sys

def s(x):
    b = x.encode()
    return (bytes([0x80 + len(b)]) if len(b) < 16 else bytes([0xD0, len(b)])) + b

def m(d):
    out = bytes([0xA0 + len(d)])
    for k, v in d.items():
        out += s(k) + (s(v) if isinstance(v, str) else v)
    return out

def send(sock, body):
    sock.sendall(struct.pack(">H", len(body)) + body + b"\x00\x00")

def recv(sock, n):
    buf = b""
    while len(buf) < n:
        part = sock.recv(n - len(buf))
        if not part:
            raise EOFError
        buf += part
    return buf

def message(sock):
    body = b""
    while True:
        (size,) = struct.unpack(">H", recv(sock, 2))
        if size == 0:
            if body:
                return body
            continue
        body += recv(sock, size)

sock = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
sock.sendall(b"\x60\x60\xb0\x17" + bytes([0, 0, 4, 4]) + bytes(12))  # Bolt 4.4
if recv(sock, 4) != bytes([0, 0, 4, 4]):
    sys.exit(1)
send(sock, b"\xb1\x01" + m({"user_agent": "disputegraph-probe/1", "scheme": "none"}))
if message(sock)[:2] != b"\xb1\x70":
    sys.exit(1)
send(sock, b"\xb3\x10" + s("RETURN 1 AS ok") + m({}) + m({}))
if message(sock)[:2] != b"\xb1\x70":
    sys.exit(1)
send(sock, b"\xb1\x3f" + m({"n": b"\xff"}))
ok = message(sock) == b"\xb1\x71\x91\x01" and message(sock)[:2] == b"\xb1\x70"
sock.close()
sys.exit(0 if ok else 1)
PY
}

port_open() { # host port
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

port_free() { # port
    if command -v python3 >/dev/null; then
        python3 -c 'import socket,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.close()' "$1" 2>/dev/null
    else
        ! port_open 127.0.0.1 "$1"
    fi
}

free_port() {
    if command -v python3 >/dev/null; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    else
        local p
        for p in $(seq 17687 17787); do port_free "$p" && { echo "$p"; return 0; }; done
        return 1
    fi
}

# Is the server described by the pid file ours and alive?
pid_alive() {
    local pid
    [ -f "$PID_FILE" ] || return 1
    pid=$(cat "$PID_FILE" 2>/dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # Guard against pid reuse: the process must be our Neo4j for this run dir.
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$MAIN_CLASS.*--home-dir=$HOME_DIR" || return 1
    echo "$pid"
}

# Ready = Bolt answers RETURN 1 (or, without python3, port open + "Started." logged).
answering() { # uri
    local hostport=${1#*://} rc=0
    bolt_ping "${hostport%:*}" "${hostport##*:}" || rc=$?
    if [ "$rc" = 2 ]; then
        port_open "${hostport%:*}" "${hostport##*:}" && grep -q 'INFO  Started\.' "$CONSOLE_LOG" 2>/dev/null
    else
        return "$rc"
    fi
}

print_log_tail() {
    say "server log ($CONSOLE_LOG), last 60 lines:"
    tail -n 60 "$CONSOLE_LOG" >&2 2>/dev/null || true
    say "more detail in $HOME_DIR/logs/debug.log"
}

# ---------------------------------------------------------------- commands

wait_ready() { # pid uri t0
    local pid=$1 uri=$2 t0=$3 deadline
    deadline=$(( $(date +%s) + TIMEOUT ))
    while :; do
        if answering "$uri"; then
            echo "$uri" > "$URI_FILE"
            say "started in $(elapsed "$t0") s (pid $pid, logs in $RUN_DIR)"
            echo "$uri"
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            say "server process $pid exited during start-up"
            print_log_tail
            rm -f "$PID_FILE" "$URI_FILE"
            return 1
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            say "server not ready after ${TIMEOUT} s"
            print_log_tail
            stop_server
            return 1
        fi
        sleep 0.5
    done
}

write_conf() { # port
    mkdir -p "$HOME_DIR/conf" "$HOME_DIR/data" "$HOME_DIR/logs" "$HOME_DIR/import" "$HOME_DIR/plugins" "$HOME_DIR/run"
    cat > "$HOME_DIR/conf/neo4j.conf" <<EOF
# Written by scripts/neo4j.sh: a throw-away test instance.
dbms.security.auth_enabled=false
server.default_listen_address=127.0.0.1
server.default_advertised_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:$1
server.bolt.advertised_address=127.0.0.1:$1
server.http.enabled=false
server.https.enabled=false
server.memory.heap.initial_size=$HEAP
server.memory.heap.max_size=$HEAP
server.memory.pagecache.size=$PAGECACHE
dbms.memory.transaction.total.max=$TX_MEMORY
dbms.usage_report.enabled=false
# No history kept: a benchmark load writes gigabytes of transaction logs.
db.tx_log.rotation.retention_policy=2 files
db.logs.query.enabled=OFF
server.directories.data=$HOME_DIR/data
server.directories.logs=$HOME_DIR/logs
server.directories.import=$HOME_DIR/import
server.directories.plugins=$HOME_DIR/plugins
server.directories.run=$HOME_DIR/run
EOF
    if [ -n "${DISPUTEGRAPH_NEO4J_CONF_EXTRA:-}" ]; then
        printf '%s\n' "$DISPUTEGRAPH_NEO4J_CONF_EXTRA" >> "$HOME_DIR/conf/neo4j.conf"
    fi
}

write_bin() { # lib java port
    local self exports="" name
    self=$CHECKOUT/scripts/neo4j.sh
    mkdir -p "$HOME_DIR/bin"
    for name in DISPUTEGRAPH_CACHE DISPUTEGRAPH_NEO4J_VERSION DISPUTEGRAPH_NEO4J_TIMEOUT \
                DISPUTEGRAPH_NEO4J_HEAP DISPUTEGRAPH_NEO4J_PAGECACHE DISPUTEGRAPH_NEO4J_TX_MEMORY \
                DISPUTEGRAPH_NEO4J_CONF_EXTRA DISPUTEGRAPH_JAVA; do
        if [ -n "${!name:-}" ]; then
            exports+="export $name=$(printf '%q' "${!name}")"$'\n'
        fi
    done
    cat > "$HOME_DIR/bin/neo4j" <<EOF
#!/usr/bin/env bash
# Written by scripts/neo4j.sh: this home's server, like a distribution's bin/neo4j.
# start restarts it on the same store and port; stop and status as the script's.
set -euo pipefail
${exports}export DISPUTEGRAPH_NEO4J_RUN=$(printf '%q' "$RUN_DIR") DISPUTEGRAPH_NEO4J_PORT=$3
unset NEO4J_URI
case "\${1:-}" in
    start) DISPUTEGRAPH_NEO4J_KEEP=1 exec bash $(printf '%q' "$self") start ;;
    stop|status) exec bash $(printf '%q' "$self") "\$1" ;;
    *) echo "usage: \$0 start|stop|status" >&2; exit 2 ;;
esac
EOF
    cat > "$HOME_DIR/bin/neo4j-admin" <<EOF
#!/usr/bin/env bash
# Written by scripts/neo4j.sh: Neo4j's admin tool (neo4j-admin) from the server's jars.
export NEO4J_HOME=$(printf '%q' "$HOME_DIR") NEO4J_CONF=$(printf '%q' "$HOME_DIR/conf")
exec $(printf '%q' "$2") -Xmx$(printf '%q' "$HEAP") -Dfile.encoding=UTF-8 -Dlog4j2.disable.jmx=true \\
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \\
    --enable-native-access=ALL-UNNAMED -cp $(printf '%q' "$1")'/*' org.neo4j.cli.AdminTool "\$@"
EOF
    chmod +x "$HOME_DIR/bin/neo4j" "$HOME_DIR/bin/neo4j-admin"
}

start_server() {
    local pid uri lib java port t0
    if pid=$(pid_alive); then
        uri=$(cat "$URI_FILE" 2>/dev/null || true)
        if [ -n "$uri" ] && answering "$uri"; then
            echo "$uri"
            return 0
        fi
        uri=$(sed -n 's/^server\.bolt\.listen_address=/bolt:\/\//p' "$HOME_DIR/conf/neo4j.conf" 2>/dev/null || true)
        [ -n "$uri" ] || die "server pid $pid is running but its URI is unknown; run stop first"
        say "server pid $pid is starting; waiting"
        wait_ready "$pid" "$uri" "$(now)"
        return
    fi

    lib=$(ensure_jars)
    java=$(find_java)
    t0=$(now)

    port=$DEFAULT_PORT
    if ! port_free "$port"; then
        port=$(free_port) || die "no free port found"
        say "port $DEFAULT_PORT is busy; using $port"
    fi
    uri=bolt://127.0.0.1:$port

    rm -f "$PID_FILE" "$URI_FILE"
    echo "$CHECKOUT" > "$OWNER_FILE"
    # DISPUTEGRAPH_NEO4J_KEEP=1: restart on the previous run's store (crash-recovery tests).
    [ "${DISPUTEGRAPH_NEO4J_KEEP:-}" = 1 ] || rm -rf "$HOME_DIR"
    [ -f "$CONSOLE_LOG" ] && mv -f "$CONSOLE_LOG" "$CONSOLE_LOG.prev"
    write_conf "$port"
    write_bin "$lib" "$java" "$port"

    # New session so the server outlives the caller's terminal; the inner shell
    # records its own pid and execs java, so the pid file names the JVM itself.
    # fd 9 (the lock) is closed so the server does not hold it.
    PID_FILE=$PID_FILE nohup setsid bash -c 'echo $$ > "$PID_FILE"; exec "$@"' neo4j \
        "$java" -Xms"$HEAP" -Xmx"$HEAP" \
        -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+UnlockExperimentalVMOptions \
        -XX:+TrustFinalNonStaticFields -XX:+DisableExplicitGC -XX:+ExitOnOutOfMemoryError \
        -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true \
        -Dfile.encoding=UTF-8 -Dlog4j2.disable.jmx=true \
        --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
        -cp "$lib/*" "$MAIN_CLASS" \
        --home-dir="$HOME_DIR" --config-dir="$HOME_DIR/conf" --console-mode \
        </dev/null >"$CONSOLE_LOG" 2>&1 8>&- 9>&- &

    local i
    for i in $(seq 1 100); do
        [ -s "$PID_FILE" ] && break
        sleep 0.05
    done
    pid=$(cat "$PID_FILE" 2>/dev/null) || die "server did not record its pid"
    say "starting Neo4j $(basename "$(dirname "$lib")" | sed 's/^neo4j-//') (pid $pid) on $uri"
    wait_ready "$pid" "$uri" "$t0"
}

stop_server() {
    local pid i owner
    if ! pid=$(pid_alive); then
        rm -f "$PID_FILE" "$URI_FILE"
        return 0
    fi
    owner=$(cat "$OWNER_FILE" 2>/dev/null || true)
    if [ -n "$owner" ] && [ "$owner" != "$CHECKOUT" ]; then
        die "the server in $RUN_DIR (pid $pid) was started by the checkout $owner, not this one ($CHECKOUT); not stopping it (stop it from there)"
    fi
    say "stopping pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "pid $pid still alive after 30 s; killing"
        kill -KILL "$pid" 2>/dev/null || true
        for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$PID_FILE" "$URI_FILE"
}

status_server() {
    local uri
    if [ -n "${NEO4J_URI:-}" ]; then
        echo "$NEO4J_URI"
        return 0
    fi
    if pid_alive >/dev/null && uri=$(cat "$URI_FILE" 2>/dev/null) && [ -n "$uri" ] && answering "$uri"; then
        echo "$uri"
        return 0
    fi
    return 1
}

cmd=${1:-}
case "$cmd" in
    run-dir)
        echo "$RUN_DIR"
        ;;
    start)
        if [ -n "${NEO4J_URI:-}" ]; then
            echo "$NEO4J_URI"
            exit 0
        fi
        mkdir -p "$RUN_DIR"
        exec 9>"$RUN_DIR/lock"
        flock 9
        start_server
        ;;
    stop)
        [ -d "$RUN_DIR" ] || exit 0
        exec 9>"$RUN_DIR/lock"
        flock 9
        stop_server
        ;;
    status)
        status_server || { say "not running"; exit 1; }
        ;;
    uri)
        status_server || die "not running (scripts/neo4j.sh start)"
        ;;
    *)
        echo "usage: $0 start|stop|status|uri|run-dir" >&2
        exit 2
        ;;
esac
