//! What a command says while it works, on standard error: on a terminal, a progress
//! bar for a stage that lasts more than a second; in a log (CI), one line per stage
//! when it ends; with `--quiet`, nothing but errors.
//!
//! Whether to be quiet is a setting of the whole process, like the limits of
//! [`crate::limits`]: `main` sets it once from the command line, before any command
//! runs, and every informational line goes through [`note`].

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

static QUIET: AtomicBool = AtomicBool::new(false);

/// How long a stage runs before its bar appears: shorter ones would only flicker.
const BAR_AFTER: Duration = Duration::from_secs(1);

/// Silences every informational line and every bar (`--quiet`).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `--quiet` was given.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// A line for the person running the command (what was built, a count of
/// warnings), unless `--quiet`.
pub fn note(text: impl std::fmt::Display) {
    if !quiet() {
        eprintln!("{text}");
    }
}

/// How the stages of this process show themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Display {
    /// A bar that appears after [`BAR_AFTER`], cleared at the end of the stage.
    Bar,
    /// One line per stage, when it ends.
    Lines,
    Silent,
}

fn display() -> Display {
    if quiet() {
        Display::Silent
    } else if std::io::stderr().is_terminal() && std::env::var_os("TERM").is_none_or(|t| t != "dumb") {
        Display::Bar
    } else {
        Display::Lines
    }
}

/// A stage of a long command: `total` steps, counted by [`Stage::step`] from any
/// thread.
pub struct Stage {
    label: &'static str,
    what: &'static str,
    total: u64,
    start: Instant,
    display: Display,
    bar: ProgressBar,
    /// The thread that shows the bar after [`BAR_AFTER`], and the sender whose drop
    /// tells it that the stage ended.
    shower: Option<(mpsc::Sender<()>, std::thread::JoinHandle<()>)>,
    /// Whether the bar shows the time left.
    eta: AtomicBool,
}

impl Stage {
    /// Starts a stage: `label` says what it makes (« PDF »), `what` names its steps
    /// in the final line (« documents »).
    pub fn start(label: &'static str, what: &'static str, total: u64) -> Stage {
        let display = display();
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        bar.set_style(style(false));
        bar.set_prefix(label);
        bar.set_message(what);
        let mut shower = None;
        if display == Display::Bar {
            let (sender, receiver) = mpsc::channel::<()>();
            let shown = bar.clone();
            // The bar appears only if the stage is still running after a second.
            let spawned = std::thread::Builder::new().name("progression".into()).spawn(move || {
                if receiver.recv_timeout(BAR_AFTER) == Err(mpsc::RecvTimeoutError::Timeout) {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(200));
                }
            });
            shower = spawned.ok().map(|thread| (sender, thread));
        }
        Stage { label, what, total, start: Instant::now(), display, bar, shower, eta: AtomicBool::new(false) }
    }

    /// One more step done.
    pub fn step(&self) {
        self.bar.inc(1);
        // The time left is only an estimate once a step has been timed.
        if !self.eta.swap(true, Ordering::Relaxed) {
            self.bar.set_style(style(true));
        }
    }

    /// Ends the stage: its bar goes away, and in a log one line says what it did.
    pub fn finish(mut self) {
        self.clear();
        if self.display == Display::Lines {
            let done = self.bar.position().min(self.total);
            eprintln!("{} : {done} {} en {}", self.label, self.what, crate::format::duration(self.start.elapsed()));
        }
    }
}

/// The bar: what it makes, how far it is, since when, and how long is left once
/// `eta` is known.
fn style(eta: bool) -> ProgressStyle {
    let template = if eta {
        "{prefix} [{bar:30}] {pos}/{len} {msg} ({elapsed}, encore {eta})"
    } else {
        "{prefix} [{bar:30}] {pos}/{len} {msg} ({elapsed})"
    };
    ProgressStyle::with_template(template)
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

impl Stage {
    /// Stops the thread that would show the bar (at once: it waits on the channel
    /// being closed), then takes the bar off the screen.
    fn clear(&mut self) {
        if let Some((sender, thread)) = self.shower.take() {
            drop(sender);
            let _ = thread.join();
        }
        if !self.bar.is_finished() {
            self.bar.finish_and_clear();
        }
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        // A stage abandoned on an error leaves no bar behind it.
        self.clear();
    }
}

/// [`note`] with `format!`'s arguments: `note!("écrit dans `{}`", path)`.
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::progress::note(format_args!($($arg)*))
    };
}
