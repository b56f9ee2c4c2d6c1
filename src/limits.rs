//! Bounded work: a watchdog that stops clsm when it runs past its time or its memory,
//! with a French message naming what it was doing.
//!
//! A repository's own templates are code that clsm runs (Tera, Typst): nested loops
//! or `range(200000000)` would otherwise run for hours or take the machine's memory.
//! Neither engine can be interrupted from outside, so the watchdog ends the process
//! itself (exit code 2) after removing the staging folders and temporary files that
//! are registered with [`remove_on_abort`]: the previous output stays as it was.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long and how much memory a command may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock time from the start of the command.
    pub delai: Duration,
    /// Resident memory, in bytes (`None`: no limit, or none measurable here).
    pub memoire: Option<u64>,
}

impl Limits {
    /// Five minutes, and three quarters of the machine's memory.
    pub const DEFAULT_DELAI: Duration = Duration::from_secs(300);

    /// The default memory bound: three quarters of the memory this process may use,
    /// the machine's or its container's (cgroup), and half its address-space limit
    /// (`ulimit -v`: reserved address space runs ahead of the memory used).
    pub fn default_memory() -> Option<u64> {
        let bounds = [
            total_memory().map(|m| m / 4 * 3),
            cgroup_memory().map(|m| m / 4 * 3),
            address_space_limit().map(|m| m / 2),
        ];
        bounds.into_iter().flatten().min()
    }
}

#[derive(Default)]
struct State {
    next: u64,
    /// What each running task is doing, for the message.
    activities: BTreeMap<u64, String>,
    /// Paths to remove before stopping: staging folders, temporary files.
    cleanup: BTreeMap<u64, PathBuf>,
    /// No time limit: see [`without_time_limit`].
    unbounded: bool,
}

static STATE: Mutex<State> =
    Mutex::new(State { next: 0, activities: BTreeMap::new(), cleanup: BTreeMap::new(), unbounded: false });

fn register(entry: impl FnOnce(&mut State, u64)) -> u64 {
    let mut state = STATE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    state.next += 1;
    let id = state.next;
    entry(&mut state, id);
    id
}

fn unregister(entry: impl FnOnce(&mut State)) {
    let mut state = STATE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    entry(&mut state);
}

/// What a task is doing, shown if the watchdog stops it; forgotten when dropped.
#[must_use = "the activity is forgotten when this guard is dropped"]
pub struct Activity(u64);

/// Records that this task now does `what` ("modèle `action.html`, fiche `fiche-15`").
pub fn activity(what: impl Into<String>) -> Activity {
    let what = what.into();
    Activity(register(|state, id| {
        state.activities.insert(id, what);
    }))
}

impl Drop for Activity {
    fn drop(&mut self) {
        unregister(|state| {
            state.activities.remove(&self.0);
        });
    }
}

/// A path to remove if the watchdog stops clsm; no longer removed once dropped.
#[must_use = "the path is no longer removed on abort once this guard is dropped"]
pub struct Cleanup(u64);

/// Registers `path` (a folder or a file clsm created) for removal on abort.
pub fn remove_on_abort(path: PathBuf) -> Cleanup {
    Cleanup(register(|state, id| {
        state.cleanup.insert(id, path);
    }))
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        unregister(|state| {
            state.cleanup.remove(&self.0);
        });
    }
}

/// From now on, the process runs without a time limit: `clsm serve` runs for
/// hours, each of its builds in a process of its own, bounded as any command. The
/// memory limit still holds.
pub fn without_time_limit() {
    register(|state, _| state.unbounded = true);
}

/// How long the process has been running, for the time limit: never too long once
/// [`without_time_limit`] is called.
fn running_for(start: Instant) -> Duration {
    let state = STATE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if state.unbounded { Duration::ZERO } else { start.elapsed() }
}

/// Starts the watchdog for this process.
pub fn watch(limits: Limits) {
    let start = Instant::now();
    let spawned = std::thread::Builder::new().name("delai".into()).spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(50));
            if running_for(start) > limits.delai {
                stop(&format!("délai dépassé : {} s", limits.delai.as_secs()), "augmentez `--delai SECONDES`");
            }
            if let (Some(limit), Some(used)) = (limits.memoire, resident_memory())
                && used > limit
            {
                stop(&format!("mémoire dépassée : plus de {} Mo", limit >> 20), "augmentez `--memoire MO`");
            }
        }
    });
    // Without a watchdog thread, clsm still works, unbounded.
    drop(spawned);
}

/// Removes what is registered, says why and what was being done, and exits with 2.
fn stop(reason: &str, help: &str) -> ! {
    let state = STATE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    for path in state.cleanup.values() {
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_dir() => {
                let _ = std::fs::remove_dir_all(path);
            }
            Ok(_) => {
                let _ = std::fs::remove_file(path);
            }
            Err(_) => {}
        }
    }
    let mut doing: Vec<&str> = state.activities.values().map(String::as_str).collect();
    doing.sort_unstable();
    doing.dedup();
    let doing = if doing.is_empty() { "la commande".to_string() } else { doing.join(", ") };
    eprintln!("erreur : {reason}, arrêt pendant : {}", crate::terminal::one_line(&doing));
    eprintln!(
        "  aide : un modèle du dépôt (dossier `templates/`) boucle, ou une fiche demande trop de mise en page ; sinon, {help}"
    );
    std::process::exit(2);
}

/// The memory this process holds, in bytes (Linux only).
fn resident_memory() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * page_size())
}

fn page_size() -> u64 {
    #[cfg(unix)]
    {
        // SAFETY: sysconf has no preconditions.
        let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        if size > 0 {
            return size as u64;
        }
    }
    4096
}

/// The memory limit of this process's cgroup, v2 or v1, in bytes (Linux only).
fn cgroup_memory() -> Option<u64> {
    let cgroups = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let limits = cgroups.lines().filter_map(|line| {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        let file = match controllers {
            "" => format!("/sys/fs/cgroup{path}/memory.max"),
            c if c.split(',').any(|c| c == "memory") => format!("/sys/fs/cgroup/memory{path}/memory.limit_in_bytes"),
            _ => return None,
        };
        // "max", or a huge number on v1, means no limit.
        std::fs::read_to_string(file).ok()?.trim().parse::<u64>().ok().filter(|&b| b < 1 << 60)
    });
    limits.min()
}

/// The address-space limit (`ulimit -v`), in bytes.
fn address_space_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit writes into the struct it is given.
        let done = unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut limit) };
        if done == 0 && limit.rlim_cur != libc::RLIM_INFINITY {
            // `rlim_t` is not `u64` on every system.
            #[allow(clippy::unnecessary_cast)]
            return Some(limit.rlim_cur as u64);
        }
    }
    None
}

/// The machine's memory, in bytes (Linux only).
fn total_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activities_are_forgotten_when_done() {
        let a = activity("modèle `a.html`");
        let b = activity("modèle `b.html`");
        drop(a);
        let state = STATE.lock().unwrap();
        let doing: Vec<&String> = state.activities.values().collect();
        assert!(doing.contains(&&"modèle `b.html`".to_string()));
        assert!(!doing.contains(&&"modèle `a.html`".to_string()));
        drop(state);
        drop(b);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn measures_this_process() {
        let used = resident_memory().unwrap();
        assert!(used > 1 << 20 && used < total_memory().unwrap(), "{used}");
    }
}
