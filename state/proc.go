package state

// ProcessIdentity returns what tells process pid of this host apart from
// a later process with the same pid: its start time (clock ticks since
// boot) and the machine's boot id. Both are zero where the system does
// not tell (every system but Linux) or the process does not exist.
func ProcessIdentity(pid int) (start uint64, bootID string) {
	start, ok := processStart(pid)
	if !ok {
		return 0, ""
	}
	return start, currentBootID()
}

// processIsHolder reports whether the lease holder recorded as pid, start
// and bootID (from [ProcessIdentity]; zero when unknown) still runs on
// this host: the machine has not rebooted since (same boot id), the pid
// exists, and the process with it started when the holder did (a
// different start time means the pid was reused after the holder ended).
// What the lease does not record is not checked, so leases of older
// builds and of other systems are checked by pid alone.
func processIsHolder(pid int, start uint64, bootID string) bool {
	if bootID != "" {
		if now := currentBootID(); now != "" && now != bootID {
			return false
		}
	}
	if !processAlive(pid) {
		return false
	}
	if start != 0 {
		if now, ok := processStart(pid); ok && now != start {
			return false
		}
	}
	return true
}
