#!/usr/bin/env bash
# A one-node Slurm cluster that lives in one directory: munged with its own key and socket,
# slurmctld and slurmd, no systemd and nothing under /etc. The tests start one per test; a
# user can start one to try `monkpipe submit --slurm` on a single machine.
#
#   scripts/local-slurm.sh start DIR   # prints `export SLURM_CONF=DIR/slurm.conf`
#   scripts/local-slurm.sh stop DIR    # cancels its jobs, stops the daemons by their pid files
#
# Needs Debian's slurmctld slurmd slurm-client munge (`make test-deps` installs them).
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 64; }
[ $# -eq 2 ] || usage
action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)
conf=$dir/slurm.conf

# A port pair (slurmctld, slurmd) that nothing listens on: several clusters (parallel test
# runs) may share the machine, so the standard 6817/6818 are not assumed free.
free_port_pair() {
    local p
    for _ in $(seq 1 50); do
        p=$(( 20000 + RANDOM % 30000 ))
        if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && ! (exec 3<>/dev/tcp/127.0.0.1/$((p + 1))) 2>/dev/null; then
            echo "$p"; return 0
        fi
    done
    echo "no free port pair found" >&2; return 1
}

# Runs a daemon without the descriptors this script inherited beyond stdin/out/err: munged
# keeps them open for its lifetime, and a caller that waits for our output (or, like Swift's
# Process, for a socket it handed us to close) would then wait for the daemon to exit.
daemon() {
    local name=$1 status=0
    shift
    (
        for fd in /proc/self/fd/*; do
            n=${fd##*/}
            [ "$n" -gt 2 ] && eval "exec $n>&-" 2>/dev/null
        done
        exec "$@" </dev/null >/dev/null 2>"$dir/log/$name.start.log"
    ) || status=$?
    if [ "$status" != 0 ]; then
        echo "$name did not start (exit $status):" >&2
        cat "$dir/log/$name.start.log" >&2
        exit 1
    fi
}

# Waits up to $2 tenths of a second for the command $1 to succeed.
wait_for() {
    for _ in $(seq 1 "$2"); do eval "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
    return 1
}

start() {
    for tool in munged mungekey slurmctld slurmd sinfo; do
        command -v "$tool" >/dev/null || { echo "$tool not found: install slurmctld slurmd slurm-client munge (make test-deps)" >&2; exit 1; }
    done
    mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
    # munged refuses a key or socket directory that others can write to, or cannot enter.
    chmod 711 "$dir" "$dir/munge"
    [ -f "$dir/munge/munge.key" ] || mungekey --create --keyfile="$dir/munge/munge.key"
    chmod 600 "$dir/munge/munge.key"
    daemon munged munged --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
           --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/munged.seed" \
           --log-file="$dir/log/munged.log"

    local port user cpus mem
    port=$(free_port_pair)
    user=$(id -un)
    cpus=$(nproc)
    mem=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
    cat > "$conf" <<CONF
# Written by scripts/local-slurm.sh: a one-node cluster for monkpipe's tests.
ClusterName=monkpipe-local
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
# Finished jobs stay visible to squeue/scontrol this long (tests read their final states).
MinJobAge=600
KillWait=5
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF=$conf
    daemon slurmctld slurmctld -i -f "$conf"
    daemon slurmd slurmd -N localhost -f "$conf"
    if ! wait_for 'sinfo -h -o %T | grep -qx idle' 300; then
        echo "the local Slurm did not come up; logs in $dir/log" >&2
        tail -n 20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
        exit 1
    fi
    echo "export SLURM_CONF=$conf"
}

stop() {
    if [ -f "$conf" ]; then
        SLURM_CONF=$conf scancel --user="$(id -un)" 2>/dev/null || true
    fi
    local pidfile pid
    for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || true
        wait_for "! kill -0 $pid" 100 || kill -9 "$pid" 2>/dev/null || true
        rm -f "$pidfile"
    done
}

case $action in
    start) start ;;
    stop) stop ;;
    *) usage ;;
esac
