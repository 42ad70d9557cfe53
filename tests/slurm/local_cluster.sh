#!/usr/bin/env bash
# A single-node SLURM cluster on localhost from Debian's slurm-wlm and munge, for the executor test.
#   local_cluster.sh start DIR   writes DIR/slurm.conf, starts munged, slurmctld and slurmd (root),
#                                waits for the node to be idle, prints `export SLURM_CONF=...`
#   local_cluster.sh stop DIR    stops the three daemons by the pids in DIR
# Jobs find the config at /etc/slurm/slurm.conf (the executor plugin clears SLURM_* variables inside
# jobs, SLURM_CONF among them): start links it there when no other config is, stop removes the link.
set -euo pipefail
action=${1:?start or stop}
dir=$(mkdir -p "${2:?state directory}" && cd "$2" && pwd)
conf="$dir/slurm.conf"

system_conf=/etc/slurm/slurm.conf

stop() {
  if [ -L "$system_conf" ] && [ "$(readlink "$system_conf")" = "$conf" ]; then rm -f "$system_conf"; fi
  for name in slurmd slurmctld munged; do
    if [ -f "$dir/$name.pid" ]; then
      pid=$(cat "$dir/$name.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$dir/$name.pid"
    fi
  done
}

leftover() {  # a link to this script's own config (ClusterName=runrisk-local), or to nothing any more
  [ ! -e "$1" ] || grep -q '^ClusterName=runrisk-local$' "$1"
}

start() {
  command -v slurmctld >/dev/null || { echo "slurm-wlm is not installed" >&2; exit 2; }
  command -v munged >/dev/null || { echo "munge is not installed" >&2; exit 2; }
  mkdir -p "$dir/state" "$dir/spool" "$dir/log"
  [ -f "$dir/munge.key" ] || dd if=/dev/urandom of="$dir/munge.key" bs=1024 count=1 status=none
  chmod 600 "$dir/munge.key"
  munged --force --socket="$dir/munge.socket" --key-file="$dir/munge.key" --pid-file="$dir/munged.pid" \
    --log-file="$dir/log/munged.log" --seed-file="$dir/munge.seed"
  host=$(hostname -s)
  cpus=$(nproc)
  memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
  cat > "$conf" <<CONF
ClusterName=runrisk-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge.socket
SlurmctldPort=${SLURMCTLD_PORT:-16817}
SlurmdPort=${SLURMD_PORT:-16818}
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=runrisk Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  if [ -L "$system_conf" ] && [ "$(readlink "$system_conf")" != "$conf" ] && leftover "$(readlink "$system_conf")"; then
    # an earlier test run that was killed before its teardown: stop its daemons and take its place
    "$0" stop "$(dirname "$(readlink "$system_conf")")"
    rm -f "$system_conf"
  fi
  if [ -e "$system_conf" ] && [ "$(readlink "$system_conf")" != "$conf" ]; then
    echo "$system_conf exists and is not ours: this machine has a SLURM of its own" >&2
    stop
    exit 1
  fi
  mkdir -p "$(dirname "$system_conf")"
  ln -sfn "$conf" "$system_conf"
  SLURM_CONF=$conf slurmctld -f "$conf"
  SLURM_CONF=$conf slurmd -f "$conf"
  for _ in $(seq 100); do
    state=$(SLURM_CONF=$conf sinfo -h -o %T 2>/dev/null || true)
    [ "$state" = idle ] && { echo "export SLURM_CONF=$conf"; return 0; }
    sleep 0.3
  done
  echo "SLURM node did not become idle (state: ${state:-none}); logs in $dir/log" >&2
  stop
  exit 1
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
