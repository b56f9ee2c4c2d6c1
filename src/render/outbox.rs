//! Pages rendered on every core, handed to the one thread that writes them, in
//! batches.
//!
//! Sent one by one through a channel, each page woke the writer: 10,000 times for
//! 10,000 fiches, each time taking a core from the rendering (about 6 % of a
//! build's time). The writer now sleeps until a batch is ready or the pages end.
//! Its queue is bounded: a writer slower than the rendering (a slow disk) makes
//! the renderers wait, and memory stays that of at most twice [`MOST`] pages
//! (those waiting, and the batch being written).

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// A page: where it goes, and its bytes.
pub type Page = (String, Vec<u8>);

/// How many pages wake the writer.
const BATCH: usize = 16;

/// How many pages wait at most: beyond, a renderer waits for the writer.
const MOST: usize = 64;

/// The pages between the renderers and the writer.
#[derive(Default)]
pub struct Outbox {
    state: Mutex<State>,
    /// The writer waits here for a batch.
    ready: Condvar,
    /// The renderers wait here for room.
    room: Condvar,
}

#[derive(Default)]
struct State {
    pages: Vec<Page>,
    /// No page will come any more.
    closed: bool,
    /// The writer stopped: no page will be taken any more.
    failed: bool,
}

/// The writer stopped on an error: the page was not taken.
#[derive(Debug, PartialEq, Eq)]
pub struct Stopped;

impl Outbox {
    fn state(&self) -> MutexGuard<'_, State> {
        // A thread that panicked holding the lock left whole pages or none.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Hands `page` to the writer, waiting for room if its queue is full.
    pub fn send(&self, page: Page) -> Result<(), Stopped> {
        let mut state = self.state();
        while state.pages.len() >= MOST && !state.failed {
            state = self.room.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        if state.failed {
            return Err(Stopped);
        }
        state.pages.push(page);
        if state.pages.len() >= BATCH {
            self.ready.notify_one();
        }
        Ok(())
    }

    /// No more pages: the writer takes what is left, then stops.
    pub fn close(&self) {
        self.state().closed = true;
        self.ready.notify_one();
    }

    /// The writer stopped: the pages waiting are dropped, and every renderer
    /// waiting for room, or sending later, is told.
    pub fn fail(&self) {
        let mut state = self.state();
        state.failed = true;
        state.pages = Vec::new();
        self.room.notify_all();
    }

    /// Whether the writer stopped: once it has, nothing more is written.
    pub fn stopped(&self) -> bool {
        self.state().failed
    }

    /// The next pages to write, or `None` once closed and emptied.
    pub fn next(&self) -> Option<Vec<Page>> {
        let mut state = self.state();
        loop {
            if state.pages.len() >= BATCH || (state.closed && !state.pages.is_empty()) {
                let batch = std::mem::take(&mut state.pages);
                self.room.notify_all();
                return Some(batch);
            }
            if state.closed {
                return None;
            }
            state = self.ready.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Closes its outbox when dropped, however the rendering ended: a panic in a
/// renderer must not leave the writer waiting for ever.
pub struct Closing<'a>(pub &'a Outbox);

impl Drop for Closing<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Fails its outbox when dropped, held by the writer: a writer that stops, on an
/// error or even by a panic, frees the renderers waiting for room, which would
/// otherwise wait for ever. (After the last page, no renderer is left to tell.)
pub struct Failing<'a>(pub &'a Outbox);

impl Drop for Failing<'_> {
    fn drop(&mut self) {
        self.0.fail();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: usize) -> Page {
        (format!("p{n}.html"), vec![b'x'; n])
    }

    #[test]
    fn every_page_reaches_the_writer_in_order_and_it_stops_when_closed() {
        let outbox = Outbox::default();
        let written = std::thread::scope(|scope| {
            let writer = scope.spawn(|| {
                let mut names = Vec::new();
                while let Some(batch) = outbox.next() {
                    assert!(batch.len() <= MOST);
                    names.extend(batch.into_iter().map(|(name, _)| name));
                }
                names
            });
            let closing = Closing(&outbox);
            for n in 0..1000 {
                outbox.send(page(n)).unwrap();
            }
            drop(closing);
            writer.join().unwrap()
        });
        let expected: Vec<String> = (0..1000).map(|n| format!("p{n}.html")).collect();
        assert_eq!(written, expected);
    }

    #[test]
    fn a_writer_that_fails_frees_the_renderers_waiting_for_room() {
        let outbox = Outbox::default();
        std::thread::scope(|scope| {
            let sender = scope.spawn(|| (0..10 * MOST).map(|n| outbox.send(page(n))).find(Result::is_err));
            // The writer takes one batch, then fails.
            assert!(outbox.next().is_some());
            outbox.fail();
            assert_eq!(sender.join().unwrap(), Some(Err(Stopped)));
        });
        assert!(outbox.stopped());
        assert_eq!(outbox.send(page(1)), Err(Stopped));
    }

    #[test]
    fn a_panicking_writer_frees_the_renderers() {
        let outbox = std::sync::Arc::new(Outbox::default());
        let theirs = std::sync::Arc::clone(&outbox);
        let writer = std::thread::spawn(move || {
            let _failing = Failing(&theirs);
            let _ = theirs.next();
            panic!("un disque en cause");
        });
        // Far more pages than the queue holds, on a thread of their own: without
        // the writer's guard they would wait for room for ever, and the test fail
        // at the end of its wait instead of hanging.
        let (done, result) = std::sync::mpsc::channel();
        let theirs = std::sync::Arc::clone(&outbox);
        std::thread::spawn(move || {
            let _ = done.send((0..10 * MOST).map(|n| theirs.send(page(n))).find(Result::is_err));
        });
        let sent = result.recv_timeout(std::time::Duration::from_secs(30));
        assert_eq!(sent, Ok(Some(Err(Stopped))));
        assert!(writer.join().is_err());
    }

    #[test]
    fn a_panicking_renderer_still_closes_the_outbox() {
        let outbox = Outbox::default();
        std::thread::scope(|scope| {
            let writer = scope.spawn(|| std::iter::from_fn(|| outbox.next()).map(|b| b.len()).sum::<usize>());
            let renderer = scope.spawn(|| {
                let _closing = Closing(&outbox);
                outbox.send(page(3)).unwrap();
                panic!("un modèle en cause");
            });
            assert!(renderer.join().is_err());
            assert_eq!(writer.join().unwrap(), 1);
        });
    }
}
